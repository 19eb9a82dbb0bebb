"""One definition per chart: a Vega-Lite specification, its text alternative and its numbers as a table.

The same `Chart` is drawn for the web page (SVG), the PDF and the DOCX (PNG) and written beside its table, so a
picture and the figures it shows cannot drift apart. Every builder takes the roll-up's figures (reports/rollup.py),
never rows to count.

Colours are Paul Tol's medium-contrast scheme with black and white, picked so that each status also has its own
shade of grey (lightness 0, 29, 50, 62, 83, 100) and stays apart for the common colour blindnesses; bars are
outlined and carry their counts, lines differ by dash and point shape, so a grey print still reads.
"""

import copy
from dataclasses import dataclass, field

STATUS_COLOURS = {
    "completed": "#004488",
    "in_progress": "#6699CC",
    "not_started": "#EECC66",
    "delayed": "#BB5566",
    "discontinued": "#000000",
    "no_report": "#FFFFFF",
}
# Count labels drawn on a bar: white on the dark fills, black on the light ones.
LIGHT_TEXT = {"completed", "discontinued"}
# The order bars are stacked in, from the axis out, and the legend's order.
STACK_ORDER = ["completed", "in_progress", "not_started", "delayed", "discontinued", "no_report"]
FONT = "Liberation Sans, Arial, Helvetica, sans-serif"
WIDTH = 560
NARROW_WIDTH = 200


@dataclass
class Chart:
    slug: str
    title: str
    summary: str  # the text alternative: what the chart shows, with its main numbers
    header: list
    rows: list  # the numbers as the page and the documents print them
    spec: dict = field(repr=False)
    note: str = ""
    # For a spreadsheet's own chart: the same rows as numbers (percentages as numbers, None when not stated),
    # which columns are percentages, which columns are drawn, and how.
    values: list = None
    percent_columns: tuple = ()
    series: tuple = ()
    colours: tuple = ()
    kind: str = ""

    def __post_init__(self):
        if self.values is None:
            self.values = self.rows

    def narrow_spec(self):
        """The same chart laid out for a phone's width: narrower, bar labels on two lines, legend in two columns."""
        spec = copy.deepcopy(self.spec)
        if isinstance(spec.get("width"), int):
            spec["width"] = NARROW_WIDTH
        spec["config"]["legend"]["columns"] = 2
        if self.kind == "bar":
            spec["encoding"]["y"]["axis"] = {"labelExpr": "split(datum.label, ': ')", "labelLimit": 120}
            spec["height"] = {"step": 40}
        for part in spec.get("vconcat", []):
            part["width"] = min(part["width"], NARROW_WIDTH)
        return spec


def _config():
    return {
        "font": FONT,
        "view": {"stroke": None},
        "axis": {"labelFontSize": 11, "titleFontSize": 11, "labelColor": "#222", "titleColor": "#222"},
        "legend": {"labelFontSize": 11, "titleFontSize": 11, "orient": "bottom", "columns": 3, "labelLimit": 400},
        "title": {"fontSize": 13, "anchor": "start", "color": "#111"},
        "background": "white",
    }


def _spec(title, body, width=WIDTH):
    # The title is the page's or the document's heading above the picture, not drawn twice.
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "description": title,
        "width": width,
        "config": _config(),
        **body,
    }


def _statuses_present(groups, statuses):
    """(key, label) of the statuses any group has, in stacking order: empty statuses stay out of the legend."""
    labels = dict(statuses)
    return [(key, labels[key]) for key in STACK_ORDER if key in labels and any(g["counts"][key] for g in groups)]


def status_bars(groups, statuses, *, slug, title, group_heading, horizontal=True, unit="lines"):
    """Stacked bars: for each group, how many of its lines are in each status."""
    present = _statuses_present(groups, statuses)
    values = [
        {
            "group": str(g["label"]),
            "key": str(g["key"]),
            "status": label,
            "order": index,
            "lines": g["counts"][key],
            "light_text": key in LIGHT_TEXT,
        }
        for g in groups
        for index, (key, label) in enumerate(present)
        if g["counts"][key]
    ]
    group_axis = {
        "field": "group",
        "type": "nominal",
        "sort": [str(g["label"]) for g in groups],
        "title": None if horizontal else group_heading,
        "axis": {"labelLimit": 320} if horizontal else {"labelAngle": 0},
    }
    count_axis = {"field": "lines", "type": "quantitative", "stack": "zero", "title": f"Number of {unit}"}
    colour = {
        "field": "status",
        "type": "nominal",
        "title": "Status",
        "scale": {"domain": [label for _, label in present], "range": [STATUS_COLOURS[k] for k, _ in present]},
    }
    position = {"y": group_axis, "x": count_axis} if horizontal else {"x": group_axis, "y": count_axis}
    body = {
        "data": {"values": values},
        "encoding": {**position, "order": {"field": "order", "type": "quantitative"}},
        "layer": [
            {
                "mark": {"type": "bar", "stroke": "#333333", "strokeWidth": 0.6},
                "encoding": {
                    "color": colour,
                    "tooltip": [{"field": "group"}, {"field": "status"}, {"field": "lines"}],
                },
            },
            {
                "mark": {"type": "text", "fontSize": 10, "fontWeight": "bold"},
                "encoding": {
                    # The count sits in the middle of its segment.
                    ("x" if horizontal else "y"): {**count_axis, "bandPosition": 0.5},
                    "text": {"field": "lines", "type": "quantitative"},
                    "color": {
                        "condition": {"test": "datum.light_text", "value": "white"},
                        "value": "black",
                    },
                },
            },
        ],
    }
    body["height"] = {"step": 30} if horizontal else 220
    totals = [(g["label"], g["lines"]) for g in groups]
    summary = (
        f"Stacked bars of {len(groups)} {group_heading.lower()} groups. "
        + "; ".join(
            f"{label}: {lines} {unit}"
            + (
                " ("
                + ", ".join(f"{g['counts'][key]} {status.lower()}" for key, status in present if g["counts"][key])
                + ")"
                if lines
                else ""
            )
            for (label, lines), g in zip(totals, groups, strict=True)
        )
        + "."
        if groups
        else "No lines to show."
    )
    spec = _spec(title, body)
    if not horizontal:
        # A few target years should not make bars a page wide.
        spec["width"] = {"step": 70}
    return Chart(
        slug=slug,
        title=title,
        summary=summary,
        header=[group_heading, "Lines"] + [label for _, label in statuses],
        rows=[[g["label"], g["lines"]] + [g["counts"][key] for key, _ in statuses] for g in groups],
        spec=spec,
        series=tuple(range(2, 2 + len(statuses))),
        colours=tuple(STATUS_COLOURS[key] for key, _ in statuses),
        kind="bar" if horizontal else "col",
    )


TREND_COLOURS = ("#004488", "#BB5566", "#997700")
TREND_SERIES = [
    ("completed_share", "Share of lines completed (%)", [1, 0], "circle"),
    ("avg_progress", "Average stated progress (%)", [6, 3], "square"),
    ("stated_share", "Share of lines with progress stated (%)", [2, 2], "triangle-up"),
]


def completion_trend(rows, *, slug="trend", title="Share completed and average stated progress, by period"):
    """Lines over periods: share completed, average stated progress, and the share of lines that stated one."""
    values = []
    for row in rows:
        stated_share = _stated_share(row)
        for key, label, _, _ in TREND_SERIES:
            value = stated_share if key == "stated_share" else row[key]
            if value is not None:
                values.append({"period": row["period"], "series": label, "value": value})
    labels = [label for _, label, _, _ in TREND_SERIES]
    body = {
        "data": {"values": values},
        "height": 220,
        "mark": {"type": "line", "point": {"filled": True, "size": 50}, "strokeWidth": 2},
        "encoding": {
            "x": {
                "field": "period",
                "type": "ordinal",
                "sort": [row["period"] for row in rows],
                "title": "Period",
                "axis": {"labelAngle": -45},
            },
            "y": {"field": "value", "type": "quantitative", "title": "Per cent", "scale": {"domain": [0, 100]}},
            "color": {
                "field": "series",
                "type": "nominal",
                "title": None,
                "scale": {"domain": labels, "range": list(TREND_COLOURS)},
                "legend": {"columns": 1},
            },
            "strokeDash": {
                "field": "series",
                "type": "nominal",
                "scale": {"domain": labels, "range": [dash for _, _, dash, _ in TREND_SERIES]},
                "legend": None,
            },
            "shape": {
                "field": "series",
                "type": "nominal",
                "scale": {"domain": labels, "range": [shape for _, _, _, shape in TREND_SERIES]},
                "legend": None,
            },
            "tooltip": [{"field": "period"}, {"field": "series"}, {"field": "value"}],
        },
    }
    last = rows[-1] if rows else None
    summary = (
        f"Lines over {len(rows)} periods, {rows[0]['period']} to {last['period']}. In {last['period']}: "
        f"{_percent(last['completed_share'])} of {last['lines']} lines completed; progress stated for "
        f"{last['progress_stated']} of {last['lines']}, averaging {_percent(last['avg_progress'])}."
        if last
        else "No period has an accepted report yet."
    )
    return Chart(
        slug=slug,
        title=title,
        summary=summary,
        header=[
            "Period",
            "Lines",
            "Completed",
            "Share completed",
            "Progress stated",
            "Share with progress stated",
            "Average stated progress",
        ],
        rows=[
            [
                row["period"],
                row["lines"],
                row["completed"],
                _percent(row["completed_share"]),
                f"{row['progress_stated']} of {row['lines']}",
                _percent(_stated_share(row)),
                _percent(row["avg_progress"]),
            ]
            for row in rows
        ],
        values=[
            [
                row["period"],
                row["lines"],
                row["completed"],
                row["completed_share"],
                row["progress_stated"],
                _stated_share(row),
                row["avg_progress"],
            ]
            for row in rows
        ],
        percent_columns=(3, 5, 6),
        series=(3, 6, 5),
        colours=TREND_COLOURS,
        kind="line",
        spec=_spec(title, body),
        note="An average counts only the lines that stated a progress; the third line says how many did.",
    )


def _stated_share(row):
    return round(100 * row["progress_stated"] / row["lines"], 1) if row["lines"] else None


def overdue_by_target_year(groups, statuses, *, slug="overdue", title="Overdue lines by target year"):
    """Stacked bars per target year: the lines whose target year has passed, not completed or discontinued."""
    chart = status_bars(
        groups, statuses, slug=slug, title=title, group_heading="Target year", horizontal=False, unit="overdue lines"
    )
    if not groups:
        chart.summary = "No line is overdue."
    return chart


def line_progress(rows, *, title="Stated progress and status by period"):
    """A line's status (a strip of labelled tiles) above its stated progress (a line), period by period."""
    periods = [row["period"] for row in rows]
    present = [key for key in STACK_ORDER if any(row["status"] == key for row in rows)]
    labels = {row["status"]: row["status_label"] for row in rows}
    values = [
        {
            "period": row["period"],
            "status": row["status_label"],
            "progress": row["progress"],
            "light_text": row["status"] in LIGHT_TEXT,
            "reported": "reported" if row["reported"] else "carried over",
        }
        for row in rows
    ]
    x = {"field": "period", "type": "ordinal", "sort": periods, "title": None}
    body = {
        "data": {"values": values},
        "vconcat": [
            {
                "height": 26,
                "width": max(90 * len(rows), 180),
                "encoding": {"x": {**x, "axis": None}},
                "layer": [
                    {
                        "mark": {"type": "rect", "stroke": "#333333", "strokeWidth": 0.6},
                        "encoding": {
                            "color": {
                                "field": "status",
                                "type": "nominal",
                                "legend": None,
                                "scale": {
                                    "domain": [labels[k] for k in present],
                                    "range": [STATUS_COLOURS[k] for k in present],
                                },
                            },
                            "tooltip": [{"field": "period"}, {"field": "status"}, {"field": "reported"}],
                        },
                    },
                    {
                        "mark": {"type": "text", "fontSize": 10},
                        "encoding": {
                            "text": {"field": "status"},
                            "color": {"condition": {"test": "datum.light_text", "value": "white"}, "value": "black"},
                        },
                    },
                ],
            },
            {
                "height": 120,
                "width": max(90 * len(rows), 180),
                "transform": [{"filter": "datum.progress != null"}],
                "mark": {"type": "line", "point": {"filled": True, "size": 50}, "color": "#004488"},
                "encoding": {
                    "x": {**x, "scale": {"domain": periods}, "axis": {"labelAngle": 0}},
                    "y": {
                        "field": "progress",
                        "type": "quantitative",
                        "title": "Stated progress (%)",
                        "scale": {"domain": [0, 100]},
                    },
                    "tooltip": [{"field": "period"}, {"field": "progress"}],
                },
            },
        ],
    }
    stated = [row for row in rows if row["progress"] is not None]
    summary = "; ".join(
        f"{row['period']}: {row['status_label'].lower()}, progress "
        + (f"{row['progress']}%" if row["progress"] is not None else "not stated")
        + ("" if row["reported"] else " (not reported, carried over)")
        for row in rows
    )
    if not stated:
        summary += ". No progress was stated in any period."
    spec = _spec(title, body, width=None)
    del spec["width"]
    return Chart(
        slug="progress",
        title=title,
        summary=summary + ".",
        header=["Period", "Status", "Stated progress", "Reported in the period"],
        rows=[
            [
                row["period"],
                row["status_label"],
                f"{row['progress']}%" if row["progress"] is not None else "not stated",
                "yes" if row["reported"] else "no: carried over",
            ]
            for row in rows
        ],
        spec=spec,
    )


COMPLETENESS = [
    ("on_time", "All on time", "#004488"),
    ("late", "Some late", "#EECC66"),
    ("missing", "Some missing", "#BB5566"),
    ("open", "Period still open", "#FFFFFF"),
]


def completeness_cell(record):
    """(state, label) of one body's reports for one period, as the body's page counts them."""
    received = record["on_time"] + record["late"]
    text = f"{received} of {record['expected']}"
    if record["period__state"] in ("open", "upcoming"):
        return "open", text + ", open"
    if record["missing"]:
        return "missing", text + (f", {record['late']} late" if record["late"] else "")
    if record["late"]:
        return "late", text + f", {record['late']} late"
    return "on_time", text


def completeness_heatmap(records, *, title="Reporting completeness by body and period"):
    """Body x period: whether each body's expected reports were accepted, on time or late; blank: none expected."""
    periods = sorted({(r["period__year"], r["period__half"], r["period__code"]) for r in records})
    period_codes = [code for _, _, code in periods]
    bodies = sorted({r["body__acronym"] for r in records})
    labels = {key: label for key, label, _ in COMPLETENESS}
    values = []
    cells = {}
    for record in records:
        state, text = completeness_cell(record)
        cells[(record["body__acronym"], record["period__code"])] = text
        values.append(
            {
                "body": record["body__acronym"],
                "period": record["period__code"],
                "state": labels[state],
                "text": text.split(",")[0],
                "light_text": state in ("on_time",),
            }
        )
    present = [(key, label, colour) for key, label, colour in COMPLETENESS if any(v["state"] == label for v in values)]
    body = {
        "data": {"values": values},
        "height": {"step": 22},
        "encoding": {
            "x": {
                "field": "period",
                "type": "ordinal",
                "sort": period_codes,
                "title": None,
                "axis": {"orient": "top", "labelAngle": 0},
            },
            "y": {"field": "body", "type": "nominal", "sort": bodies, "title": None},
        },
        "layer": [
            {
                "mark": {"type": "rect", "stroke": "#333333", "strokeWidth": 0.6},
                "encoding": {
                    "color": {
                        "field": "state",
                        "type": "nominal",
                        "title": "Reports accepted",
                        "scale": {"domain": [p[1] for p in present], "range": [p[2] for p in present]},
                    },
                    "tooltip": [{"field": "body"}, {"field": "period"}, {"field": "state"}, {"field": "text"}],
                },
            },
            {
                "mark": {"type": "text", "fontSize": 10},
                "encoding": {
                    "text": {"field": "text"},
                    "color": {"condition": {"test": "datum.light_text", "value": "white"}, "value": "black"},
                },
            },
        ],
    }
    spec = _spec(title, body)
    spec["width"] = {"step": 80}
    counts = {label: sum(1 for v in values if v["state"] == label) for _, label, _ in present}
    summary = (
        f"{len(bodies)} bodies over {len(period_codes)} periods ({', '.join(period_codes)}): "
        + "; ".join(f"{label.lower()} in {n} body-periods" for label, n in counts.items())
        + ". Each cell reads reports accepted of reports expected; a blank cell: none expected."
        if values
        else "No report has been expected of any body yet."
    )
    return Chart(
        slug="completeness",
        title=title,
        summary=summary,
        header=["Body"] + period_codes,
        rows=[
            [body_code] + [cells.get((body_code, code), "none expected") for code in period_codes]
            for body_code in bodies
        ],
        spec=spec,
        kind="heatmap",
    )


MS_MARKS = {"completed": "C", "in_progress": "P", "not_started": "N"}


def member_state_heatmap(
    cells, member_states, labels, *, title="Progress by Member State on the lines tracked per AMS"
):
    """Line x Member State: each Member State's latest accepted status on each line tracked per Member State."""
    codes = [ms.code for ms in member_states]
    lines = []
    values = []
    table = {}
    for cell in cells:
        update = cell.update
        line = update.initiative.code + (f" output {update.output.position}" if update.output_id else "")
        if line not in table:
            lines.append((line, update.initiative.title))
            table[line] = {}
        table[line][cell.member_state.code] = (labels[cell.status], update.period.code)
        values.append(
            {
                "line": line,
                "member_state": cell.member_state.code,
                "status": labels[cell.status],
                "mark": MS_MARKS[cell.status],
                "period": update.period.code,
                "light_text": cell.status in LIGHT_TEXT,
            }
        )
    present = [key for key in ("completed", "in_progress", "not_started") if any(c.status == key for c in cells)]
    body = {
        "data": {"values": values},
        "height": {"step": 22},
        "encoding": {
            "x": {
                "field": "member_state",
                "type": "nominal",
                "sort": codes,
                "title": None,
                "axis": {"orient": "top", "labelAngle": 0},
            },
            "y": {"field": "line", "type": "nominal", "sort": [line for line, _ in lines], "title": None},
        },
        "layer": [
            {
                "mark": {"type": "rect", "stroke": "#333333", "strokeWidth": 0.6},
                "encoding": {
                    "color": {
                        "field": "status",
                        "type": "nominal",
                        "title": "Latest accepted status",
                        "scale": {
                            "domain": [labels[key] for key in present],
                            "range": [STATUS_COLOURS[key] for key in present],
                        },
                    },
                    "tooltip": [{"field": "line"}, {"field": "member_state"}, {"field": "status"}, {"field": "period"}],
                },
            },
            {
                "mark": {"type": "text", "fontSize": 10, "fontWeight": "bold"},
                "encoding": {
                    "text": {"field": "mark"},
                    "color": {"condition": {"test": "datum.light_text", "value": "white"}, "value": "black"},
                },
            },
        ],
    }
    spec = _spec(title, body)
    spec["width"] = {"step": 34}
    completed = {code: sum(1 for v in values if v["member_state"] == code and v["mark"] == "C") for code in codes}
    summary = (
        f"{len(lines)} lines tracked per Member State, {len(codes)} Member States; C completed, P in progress, "
        "N not started, blank not stated. Lines completed: "
        + ", ".join(f"{code} {n}" for code, n in completed.items())
        + "."
        if lines
        else "No accepted update states a status per Member State yet."
    )
    return Chart(
        slug="member-states",
        title=title,
        summary=summary,
        header=["Line", "Initiative"] + codes,
        rows=[
            [line, line_title]
            + [
                f"{table[line][code][0]} ({table[line][code][1]})" if code in table[line] else "not stated"
                for code in codes
            ]
            for line, line_title in lines
        ],
        spec=spec,
        kind="heatmap",
    )


def timeline(lines, *, today, start_year, end_year, statuses, title="Every line against its target year"):
    """One row per line, grouped by area: a bar from the plan's start to the end of its target year, coloured by its
    latest accepted status, 'overdue' after it when the year has passed; lines with no year say what they have."""
    labels = dict(statuses)
    groups = list(dict.fromkeys(line["group"] for line in lines))
    values = [
        {
            "group": line["group"],
            "line": line["code"],
            "status": labels[line["status"]],
            "start": line["start"],
            "end": line["target_year"] + 1 if line["target_year"] else None,
            "what": "overdue" if line["overdue"] else ("" if line["target_year"] else line["timeline_label"]),
        }
        for line in lines
    ]
    present = [key for key in STACK_ORDER if any(line["status"] == key for line in lines)]
    x_scale = {"domain": [start_year, end_year + 2]}
    x = {"type": "quantitative", "title": None, "scale": x_scale, "axis": {"format": "d", "tickMinStep": 1}}
    line_axis = {"field": "line", "type": "nominal", "sort": None, "title": None}
    today_value = round(today.year + (today.timetuple().tm_yday - 1) / 366, 2)
    body = {
        "data": {"values": values},
        "facet": {
            "row": {
                "field": "group",
                "type": "nominal",
                "sort": groups,
                "title": None,
                "header": {"labelAngle": 0, "labelAlign": "left", "labelAnchor": "start", "labelFontWeight": "bold"},
            }
        },
        "resolve": {"scale": {"y": "independent"}},
        "spec": {
            "width": WIDTH - 100,
            "height": {"step": 18},
            "layer": [
                {
                    "transform": [{"filter": "datum.end != null"}],
                    "mark": {"type": "bar", "stroke": "#333333", "strokeWidth": 0.6},
                    "encoding": {
                        "y": line_axis,
                        "x": {"field": "start", **x},
                        "x2": {"field": "end"},
                        "color": {
                            "field": "status",
                            "type": "nominal",
                            "title": "Latest accepted status",
                            "scale": {
                                "domain": [labels[k] for k in present],
                                "range": [STATUS_COLOURS[k] for k in present],
                            },
                        },
                        "tooltip": [{"field": "line"}, {"field": "status"}, {"field": "what"}],
                    },
                },
                {
                    "mark": {"type": "text", "align": "left", "dx": 4, "fontSize": 10},
                    "encoding": {
                        "y": line_axis,
                        "x": {"field": "position", **x},
                        "text": {"field": "what"},
                    },
                    "transform": [{"calculate": "datum.end != null ? datum.end : datum.start", "as": "position"}],
                },
                {
                    "data": {"values": [{"today": today_value}]},
                    "mark": {"type": "rule", "strokeDash": [4, 3], "color": "#111111"},
                    "encoding": {"x": {"field": "today", **x}},
                },
            ],
        },
    }
    spec = _spec(title, body)
    del spec["width"]
    overdue = [line["code"] for line in lines if line["overdue"]]
    undated = [line for line in lines if not line["target_year"]]
    summary = (
        f"{len(lines)} lines in {len(groups)} groups, against the years {start_year} to {end_year} and today "
        f"(dashed line, {today:%d %B %Y}). Overdue: {len(overdue)}"
        + (f" ({', '.join(overdue)})" if overdue else "")
        + f". Without a target year: {len(undated)}."
        if lines
        else "No line matches."
    )
    return Chart(
        slug="timeline",
        title=title,
        summary=summary,
        header=["Line", "Group", "Timeline", "Target year", "Latest accepted status", "Overdue"],
        rows=[
            [
                line["code"],
                line["group"],
                line["timeline"] or line["timeline_label"],
                line["target_year"] or line["timeline_label"],
                labels[line["status"]],
                "overdue" if line["overdue"] else "",
            ]
            for line in lines
        ],
        spec=spec,
        kind="timeline",
    )


def _percent(value):
    return "not stated" if value is None else f"{value:.1f}%"
