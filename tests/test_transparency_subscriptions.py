"""Following a negotiation or a consultation by email: double opt-in, news of what is published, one-click exit."""

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from transparency import services
from transparency.models import Consultation, Subscription

from .transparency import chapter_draft, defa, open_consultation

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()


@pytest.fixture
def negotiation():
    return defa()


def link(message, kind):
    return re.search(rf"http://\S+/negotiations/subscriptions/\S+/{kind}/", message.body).group(0).split("8000", 1)[1]


def subscribe(client, negotiation, mailoutbox, callbacks, email="lin@example.org"):
    with callbacks(execute=True):
        assert client.post(f"/negotiations/{negotiation.code}/subscribe/", {"email": email}).status_code == 200
    return link(mailoutbox[-1], "confirm")


def test_nothing_is_sent_before_the_address_is_confirmed_then_news_arrives_with_a_one_click_exit(
    client, negotiation, secretariat, mailoutbox, django_capture_on_commit_callbacks
):
    confirm = subscribe(client, negotiation, mailoutbox, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        chapter_draft(secretariat, negotiation)
    assert [m.to for m in mailoutbox] == [["lin@example.org"]]  # the confirmation only

    assert client.get(confirm).status_code == 200
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        document = negotiation.documents.get(kind="study")
        services.disclosure_decide(user=secretariat, document=document, to_state="public", explanation="Released.")
    (news,) = mailoutbox
    assert "is now public" in news.subject and document.get_absolute_url() in news.body
    unsubscribe = link(news, "unsubscribe")
    assert news.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    assert client.post(unsubscribe).status_code == 200  # one click, no session, no CSRF token (RFC 8058)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.disclosure_decide(
            user=secretariat, document=negotiation.documents.get(kind="mandate"), to_state="public", explanation="x"
        )
    assert mailoutbox == []


def test_a_new_consultation_and_its_closing_date_reach_the_subscribers(
    client, negotiation, secretariat, mailoutbox, django_capture_on_commit_callbacks
):
    client.get(subscribe(client, negotiation, mailoutbox, django_capture_on_commit_callbacks))
    _, _, second = chapter_draft(secretariat, negotiation)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        consultation = open_consultation(secretariat, negotiation, second, days_left=2)
    assert [m.subject for m in mailoutbox] == [f"[ASEAN Tracker] DEFA: new public consultation, “{consultation.title}”"]
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.consultations_closing_soon() == [consultation]
    assert len(mailoutbox) == 1 and "closes on" in mailoutbox[0].subject
    with django_capture_on_commit_callbacks(execute=True):
        assert services.consultations_closing_soon() == []  # sent once
    assert len(mailoutbox) == 1


def test_asking_again_for_what_one_follows_sends_nothing_and_answers_the_same(
    client, negotiation, mailoutbox, django_capture_on_commit_callbacks
):
    client.get(subscribe(client, negotiation, mailoutbox, django_capture_on_commit_callbacks))
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post("/negotiations/DEFA/subscribe/", {"email": "lin@example.org"})
    assert again.status_code == 200 and mailoutbox == []
    assert Subscription.objects.count() == 1


def test_bad_addresses_and_robots_are_turned_away(client, negotiation):
    assert client.post("/negotiations/DEFA/subscribe/", {"email": "nope"}).status_code == 400
    assert client.post("/negotiations/DEFA/subscribe/", {"email": "a@example.org", "website": "x"}).status_code == 200
    assert not Subscription.objects.exists()
    assert client.get("/negotiations/subscriptions/forged/unsubscribe/").status_code == 404
    assert client.get("/negotiations/DEFA/subscribe/").status_code == 405


def test_an_unpublished_consultation_takes_no_subscriptions(client, secretariat, negotiation):
    consultation = Consultation.objects.create(
        negotiation=negotiation,
        title="Draft consultation",
        questions="?",
        opens_on=timezone.localdate(),
        closes_on=timezone.localdate() + timedelta(days=5),
        created_by=secretariat,
    )
    response = client.post(f"/negotiations/consultations/{consultation.pk}/subscribe/", {"email": "a@example.org"})
    assert response.status_code == 404
