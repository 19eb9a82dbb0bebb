"""The consultation report, as PDF and XLSX: every published response, the Secretariat's replies, and counts.

Only public fields go in (responses through Response.objects.public()); each text is escaped for its file
(reports.cells: legible XML, never a spreadsheet formula; the PDF through reports.exports.pdf.markup).
"""

import io
from collections import Counter

from reports.cells import spreadsheet_cell
from reports.exports.pdf import markup

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def counts(responses):
    """(by country, by kind of organisation): [(label, count), ...], largest first, then by label."""
    by_country = Counter(r.country.name if r.country_id else "Outside ASEAN or not given" for r in responses)
    by_kind = Counter(r.get_organisation_kind_display() if r.organisation_kind else "Individual" for r in responses)
    order = lambda counter: sorted(counter.items(), key=lambda item: (-item[1], item[0]))  # noqa: E731
    return order(by_country), order(by_kind)


def _heading(consultation):
    return [
        consultation.title,
        f"{consultation.negotiation.title}; {consultation.level} level; "
        f"open from {consultation.opens_on:%d %b %Y} to {consultation.closes_on:%d %b %Y}.",
    ]


def to_xlsx(consultation, responses, replies):
    from openpyxl import Workbook

    responses, replies = list(responses), list(replies)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Responses")
    for line in _heading(consultation):
        sheet.append([spreadsheet_cell(line)])
    sheet.append([])
    sheet.append(["Response", "From", "Country", "Kind", "Received", "Text"])
    for response in responses:
        sheet.append(
            [
                response.pk,
                spreadsheet_cell(response.public_author),
                spreadsheet_cell(response.country.name if response.country_id else ""),
                spreadsheet_cell(response.get_organisation_kind_display() or "Individual"),
                response.submitted_at.date(),
                spreadsheet_cell(response.text),
            ]
        )
    sheet = book.create_sheet("Replies")
    sheet.append(["Answers responses", "Published", "Reply"])
    for reply in replies:
        sheet.append(
            [
                ", ".join(str(r.pk) for r in reply.answered),
                reply.published_at.date(),
                spreadsheet_cell(reply.text),
            ]
        )
    by_country, by_kind = counts(responses)
    sheet = book.create_sheet("Counts")
    sheet.append(["Country", "Responses"])
    for label, number in by_country:
        sheet.append([spreadsheet_cell(label), number])
    sheet.append([])
    sheet.append(["Kind of organisation", "Responses"])
    for label, number in by_kind:
        sheet.append([spreadsheet_cell(label), number])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue(), XLSX


def to_pdf(consultation, responses, replies):
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    responses, replies = list(responses), list(replies)
    styles = getSampleStyleSheet()
    title, subtitle = _heading(consultation)
    story = [Paragraph(markup(title), styles["Title"]), Paragraph(markup(subtitle), styles["BodyText"])]
    by_country, by_kind = counts(responses)
    story.append(Paragraph(f"{len(responses)} published responses", styles["Heading2"]))
    for heading, rows in (("By country", by_country), ("By kind of organisation", by_kind)):
        story.append(Paragraph(heading, styles["Heading3"]))
        story += [Paragraph(markup(f"{label}: {number}"), styles["BodyText"]) for label, number in rows]
    story.append(Paragraph("Responses", styles["Heading2"]))
    for response in responses:
        story.append(
            Paragraph(
                markup(f"{response.pk}. {response.public_author}, {response.submitted_at:%d %b %Y}"), styles["Heading4"]
            )
        )
        story.append(Paragraph(markup(response.text), styles["BodyText"]))
    story.append(Paragraph("The Secretariat's replies", styles["Heading2"]))
    for reply in replies:
        answered = ", ".join(str(r.pk) for r in reply.answered)
        story.append(Paragraph(markup(f"To responses {answered}, {reply.published_at:%d %b %Y}"), styles["Heading4"]))
        story.append(Paragraph(markup(reply.text), styles["BodyText"]))
    if not replies:
        story.append(Spacer(1, 6))
        story.append(Paragraph("No reply has been published.", styles["BodyText"]))
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A4, title=title).build(story)
    return out.getvalue(), "application/pdf"


REPORTS = {"pdf": to_pdf, "xlsx": to_xlsx}
