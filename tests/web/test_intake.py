"""The intake through its pages: the therapist's door, the client's private link, the body map."""

from __future__ import annotations

import hashlib
import html
import re
from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from myomap.common.models import AuditEvent, PrivateLink
from myomap.intake.forms import TEXT_LIMIT
from myomap.intake.models import Intake, IntakeLink, IntakeStatus, PainMap, PainMark
from myomap.intake.services import intake_start, pain_map_record
from myomap.patients.services import patient_create
from myomap_core import atlas
from myomap_core.pain import pain_marks

PAST = str(date.today() - timedelta(days=60))

COMPLAINT = {
    "main_complaint": "Aching low back on the left",
    "complaint_history": "Started after a weekend of moving boxes; worse every evening since.",
    "onset": "single_event",
    "onset_date": PAST,
    "onset_event": "Lifted a heavy box out of the car boot",
    "pain_pattern": "intermittent",
    "worse_with": "Sitting through long meetings",
    "better_with": "A warm bath and walking",
}
BODYMAP = {
    "i_sacroiliac_left": "6",
    "q_sacroiliac_left": "aching",
    "i_lumbar_paraspinal_left": "7",
    "q_lumbar_paraspinal_left": "sharp",
    "i_upper_buttock_left": "4",
    "q_upper_buttock_left": "tingling",
}
ACTIVITIES = {
    "usual_activities": "Desk work, school run, yoga on Thursdays",
    "unusual_activities": "Helped a friend move house last weekend",
}
HISTORY = {
    "old_injuries": "Sprained right ankle in 2015",
    "surgeries": "Appendix removed in 2001",
    "medical_conditions": ["diabetes", "arthritis"],
    "other_conditions": "",
    "medications": "Ibuprofen now and then",
}
WORK = {
    "work_type": "sitting",
    "sitting_hours": "9",
    "workstation": "Laptop on the kitchen table, no separate screen",
    "lifting": "light",
    "lifting_notes": "Shopping bags, a toddler",
}
STRESS = {
    "stress_level": "6",
    "stress_notes": "Month-end deadlines",
    "sleep_quality": "poor",
    "sleep_hours": "6.5",
    "pain_wakes": "yes",
    "sleep_position": "side",
}
GOALS = {"goals": "Sit through a working day without pain", "most_important": "Yoga again"}
CONSENT = {"consent_agree": "on", "signature_name": "Maria Lopez"}

FORM_SECTIONS = (
    ("complaint", COMPLAINT),
    ("bodymap", BODYMAP),
    ("activities", ACTIVITIES),
    ("history", HISTORY),
    ("screening", {"saddle_numbness": "no", "anticoagulant": "yes"}),
    ("work", WORK),
    ("stress", STRESS),
    ("goals", GOALS),
)


def text(response) -> str:  # type: ignore[no-untyped-def]
    """The page as a reader sees the characters (entities decoded)."""
    return html.unescape(response.content.decode())


def words(page: str) -> str:
    """The visible words of a page: tags dropped, white space collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", page).split())


def section_url(intake: Intake, slug: str) -> str:
    return reverse("intake:section", args=[intake.patient_id, intake.pk, slug])


def marked_regions(page: str) -> dict[str, str]:
    """region id -> intensity of every region drawn as marked on the chart."""
    found = re.findall(
        r'class="region"[^>]*data-region="([a-z_]+)"[^>]*data-intensity="(\d+)"', page
    )
    return dict(found)


def start_intake(client: Client, patient) -> Intake:  # type: ignore[no-untyped-def]
    response = client.post(reverse("intake:new", args=[patient.pk]))
    intake = Intake.objects.get(patient=patient)
    assert response.status_code == 302
    assert response.url == section_url(intake, "complaint")
    return intake


def create_link(client: Client, patient) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    """Create a private link from the client page; returns (absolute url, token)."""
    page = client.get(reverse("chart:client", args=[patient.pk]))
    assert "Create link" in text(page)
    response = client.post(reverse("intake:link_create", args=[patient.pk]), {"create": "1"})
    assert response.status_code == 200
    url = re.search(r'id="intake-url"[^>]*value="([^"]+)"', response.content.decode()).group(1)
    match = re.fullmatch(r"http://testserver/i/([A-Za-z0-9_-]+)/", url)
    assert match, url
    return url, match.group(1)


def portal(token: str, slug: str | None = None) -> str:
    if slug is None:
        return reverse("portal:intake", args=[token])
    return reverse("portal:section", args=[token, slug])


# --- The therapist fills the whole intake -------------------------------------------------


def test_therapist_fills_every_section_and_submits(therapist_client, patient):  # type: ignore[no-untyped-def]
    intake = start_intake(therapist_client, patient)
    following = [
        "bodymap",
        "activities",
        "history",
        "screening",
        "work",
        "stress",
        "goals",
        "consent",
    ]
    for (slug, data), after in zip(FORM_SECTIONS, following, strict=True):
        page = therapist_client.get(section_url(intake, slug))
        assert page.status_code == 200
        response = therapist_client.post(section_url(intake, slug), data)
        assert response.status_code == 302, (slug, text(response))
        assert response.url == section_url(intake, after)
    intake.refresh_from_db()
    assert intake.status == IntakeStatus.DRAFT
    assert intake.answers["history"]["medical_conditions"] == ["diabetes", "arthritis"]

    done = therapist_client.post(section_url(intake, "consent"), CONSENT)
    assert done.status_code == 302
    assert done.url == reverse("intake:detail", args=[patient.pk, intake.pk])
    intake.refresh_from_db()
    assert intake.status == IntakeStatus.SUBMITTED
    assert intake.consent_name == "Maria Lopez"
    assert intake.consent_at is not None and intake.submitted_at is not None
    assert not intake.filled_by_client
    assert sorted(intake.pain_map.marks.values_list("region_id", "intensity", "quality")) == [
        ("lumbar_paraspinal_left", 7, "sharp"),
        ("sacroiliac_left", 6, "aching"),
        ("upper_buttock_left", 4, "tingling"),
    ]

    detail = text(therapist_client.get(done.url))
    # Answers in words, not stored codes.
    words_of_detail = words(detail)
    for phrase in (
        "Aching low back on the left",
        "From one event (a fall, a lift, an accident)",
        "Lifted a heavy box out of the car boot",
        "Comes and goes",
        "Helped a friend move house last weekend",
        "Diabetes, Arthritis",
        "Mostly sitting",
        "Often, light things",
        "Badly",
        "On my side",
        "Sit through a working day without pain",
        "Signed by Maria Lopez",
    ):
        assert phrase in words_of_detail, phrase
    assert "single_event" not in detail
    # The pain map, drawn and listed.
    assert marked_regions(detail) == {
        "sacroiliac_left": "6",
        "lumbar_paraspinal_left": "7",
        "upper_buttock_left": "4",
    }
    assert "Left sacroiliac joint" in detail and "7/10" in detail

    client_page = text(therapist_client.get(reverse("chart:client", args=[patient.pk])))
    timeline = client_page.split("<h2>Timeline</h2>")[1].split("</section>")[0]
    for event in (
        "Started an intake",
        "Saved intake section 'Your pain'",
        "Saved intake section 'Your goals'",
        "Marked 3 painful regions on the body map",
        "Completed the intake (signed by Maria Lopez, filled by Therapist Tester)",
    ):
        assert event in timeline, event
    assert "completed" in client_page.split("<h2>Intake</h2>")[1]
    assert marked_regions(client_page) == marked_regions(detail)


# --- Inline errors ------------------------------------------------------------------------


def test_missing_and_inconsistent_answers_are_named_inline(therapist_client, patient):  # type: ignore[no-untyped-def]
    intake = start_intake(therapist_client, patient)
    response = therapist_client.post(
        section_url(intake, "complaint"),
        {**COMPLAINT, "main_complaint": "", "onset_event": "  ", "onset_date": "2999-01-01"},
    )
    assert response.status_code == 400
    page = text(response)
    assert "Please correct 3 answers" in page
    assert (
        "What brings you in? Describe your main pain or problem.</a>: This field is required."
        in page
    )
    assert "What happened?</a>: Tell us briefly what happened when it started." in page
    assert "The start date cannot be in the future." in page

    no_onset = therapist_client.post(section_url(intake, "complaint"), {**COMPLAINT, "onset": ""})
    assert no_onset.status_code == 400
    assert "How did it start?</a>: This field is required." in text(no_onset)

    goals = therapist_client.post(section_url(intake, "goals"), {"goals": ""})
    assert goals.status_code == 400
    assert "What are your goals?</a>: This field is required." in text(goals)


def test_consent_without_the_box_submits_nothing(therapist_client, patient):  # type: ignore[no-untyped-def]
    intake = start_intake(therapist_client, patient)
    for slug, data in FORM_SECTIONS:
        therapist_client.post(section_url(intake, slug), data)
    response = therapist_client.post(
        section_url(intake, "consent"), {"signature_name": "Maria Lopez"}
    )
    assert response.status_code == 400
    assert "I agree to be assessed and treated" in text(response)
    assert "</a>: This field is required." in text(response)
    unsigned = therapist_client.post(section_url(intake, "consent"), {"consent_agree": "on"})
    assert unsigned.status_code == 400
    assert "Type your full name as your signature</a>: This field is required." in text(unsigned)
    intake.refresh_from_db()
    assert intake.status == IntakeStatus.DRAFT
    assert intake.submitted_at is None
    assert not AuditEvent.objects.filter(patient=patient, action="submit").exists()


def test_signing_with_sections_missing_lists_them_and_submits_nothing(therapist_client, patient):  # type: ignore[no-untyped-def]
    intake = start_intake(therapist_client, patient)
    therapist_client.post(section_url(intake, "complaint"), COMPLAINT)
    response = therapist_client.post(section_url(intake, "consent"), CONSENT)
    assert response.status_code == 400
    page = text(response)
    assert "A few answers are still needed before you can finish" in page
    assert f'href="{section_url(intake, "goals")}">Your goals</a>' in page
    assert f'href="{section_url(intake, "complaint")}">Your pain</a>' not in page
    intake.refresh_from_db()
    assert intake.status == IntakeStatus.DRAFT


def test_text_over_the_limit_is_refused_with_the_limit(therapist_client, patient):  # type: ignore[no-untyped-def]
    intake = start_intake(therapist_client, patient)
    response = therapist_client.post(
        section_url(intake, "complaint"),
        {**COMPLAINT, "complaint_history": "x" * (TEXT_LIMIT + 1)},
    )
    assert response.status_code == 400
    assert f"at most {TEXT_LIMIT} characters (it has {TEXT_LIMIT + 1})" in text(response)
    exact = therapist_client.post(
        section_url(intake, "complaint"), {**COMPLAINT, "complaint_history": "x" * TEXT_LIMIT}
    )
    assert exact.status_code == 302
    short_field = therapist_client.post(
        section_url(intake, "complaint"), {**COMPLAINT, "main_complaint": "y" * 301}
    )
    assert short_field.status_code == 400
    assert "at most 300 characters" in text(short_field)


def test_text_over_the_limit_is_not_stored(therapist_client, patient):  # type: ignore[no-untyped-def]
    """A refused answer must not end up in the record, by a normal save or by autosave."""
    intake = start_intake(therapist_client, patient)
    too_long = "x" * (TEXT_LIMIT + 1)
    therapist_client.post(
        section_url(intake, "complaint"), {**COMPLAINT, "complaint_history": too_long}
    )
    therapist_client.post(
        section_url(intake, "activities") + "?autosave=1", {"usual_activities": too_long * 50}
    )
    intake.refresh_from_db()
    stored = [
        value
        for section in intake.answers.values()
        for value in section.values()
        if isinstance(value, str)
    ]
    assert all(len(value) <= TEXT_LIMIT for value in stored)


# --- The client's private link ------------------------------------------------------------


def test_private_link_is_shown_once_and_only_its_hash_is_stored(therapist_client, patient):  # type: ignore[no-untyped-def]
    _, token = create_link(therapist_client, patient)
    link = IntakeLink.objects.get(private__patient=patient)
    assert link.private.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert link.private.state == "open" and link.private.purpose == "intake"
    assert link.private.expires_at - timezone.now() > timedelta(days=6, hours=23)
    assert link.intake.filled_by_client
    stored = [
        str(v) for v in PrivateLink.objects.filter(pk=link.private_id).values().get().values()
    ]
    assert not any(token in value for value in stored)
    client_page = text(therapist_client.get(reverse("chart:client", args=[patient.pk])))
    assert token not in client_page
    assert "open" in client_page and "Revoke" in client_page
    assert "Created a private intake link" in client_page


def test_the_link_token_is_never_stored_in_clear(therapist_client, patient):  # type: ignore[no-untyped-def]
    """Opening the link and saving answers must not write the token into the audit log."""
    _, token = create_link(therapist_client, patient)
    visitor = Client()
    assert visitor.get(portal(token)).status_code == 200
    visitor.post(portal(token, "complaint"), COMPLAINT)
    visitor.post(portal(token, "activities") + "?autosave=1", ACTIVITIES)
    leaks = [
        (e.action, e.summary, e.path)
        for e in AuditEvent.objects.all()
        if token in f"{e.summary} {e.path} {e.user_agent} {e.object_id}"
    ]
    assert leaks == []


def test_client_fills_the_link_one_section_per_screen_and_resumes(therapist_client, patient):  # type: ignore[no-untyped-def]
    url, token = create_link(therapist_client, patient)
    visitor = Client()
    welcome = visitor.get(url)
    assert welcome.status_code == 200
    page = text(welcome)
    assert "Hello Maria" in page and "Harbour Street NMT" in page
    assert f'href="{portal(token, "complaint")}">Start</a>' in page
    assert IntakeLink.objects.get(private__patient=patient).private.last_opened_at is not None

    first = text(visitor.get(portal(token, "complaint")))
    assert "Step 1 of 9" in first
    assert "Log out" not in first and "Lopez</a>" not in first  # the client's frame
    following = ["bodymap", "activities", "history", "screening", "work", "stress", "goals"]
    for (slug, data), after in zip(FORM_SECTIONS[:-1], following, strict=True):
        response = visitor.post(portal(token, slug), data)
        assert response.status_code == 302, (slug, text(response))
        assert response.url == portal(token, after)

    # Autosave stores a half-filled section as typed.
    saved = visitor.post(
        portal(token, "goals") + "?autosave=1", {"goals": "", "most_important": "Yoga again"}
    )
    assert saved.status_code == 200
    assert saved.json() == {"saved": True}
    intake = Intake.objects.get(patient=patient)
    assert intake.answers["goals"] == {"goals": "", "most_important": "Yoga again"}
    assert intake.status == IntakeStatus.DRAFT

    # The same link again: resume at the first open section, the saved value shown.
    again = visitor.get(url)
    assert "Continue where you left off" in text(again)
    assert f'href="{portal(token, "goals")}"' in text(again)
    goals_page = text(visitor.get(portal(token, "goals")))
    assert 'value="Yoga again"' in goals_page
    # An earlier section still shows its stored answers.
    assert "Helped a friend move house last weekend" in text(
        visitor.get(portal(token, "activities"))
    )
    bodymap_page = text(visitor.get(portal(token, "bodymap")))
    assert marked_regions(bodymap_page) == {
        "sacroiliac_left": "6",
        "lumbar_paraspinal_left": "7",
        "upper_buttock_left": "4",
    }

    assert visitor.post(portal(token, "goals"), GOALS).url == portal(token, "consent")
    done = visitor.post(portal(token, "consent"), CONSENT)
    assert done.status_code == 302
    assert done.url == reverse("portal:done", args=[token])

    intake.refresh_from_db()
    assert intake.status == IntakeStatus.SUBMITTED
    assert intake.filled_by_client
    submitted = AuditEvent.objects.get(patient=patient, action="submit")
    assert submitted.actor is None
    assert "filled by the client" in submitted.summary
    assert IntakeLink.objects.get(private__patient=patient).private.state == "completed"

    closed = visitor.get(url)
    assert closed.status_code == 404
    assert "This link does not open a form" in text(closed)
    assert visitor.get(portal(token, "complaint")).status_code == 404
    client_page = text(therapist_client.get(reverse("chart:client", args=[patient.pk])))
    assert "completed" in client_page
    assert "client (private link)" in client_page

    thanks = visitor.get(done.url)
    assert thanks.status_code == 200
    assert "Thank you" in text(thanks) and "Harbour Street NMT" in text(thanks)


def _unavailable_page(response) -> str:  # type: ignore[no-untyped-def]
    """The page without its per-request CSRF token."""
    return re.sub(r'"X-CSRFToken": "[^"]*"', "", response.content.decode())


@pytest.mark.parametrize("case", ["expired", "revoked", "unknown", "completed"])
def test_dead_links_all_show_the_same_anonymous_404(therapist_client, therapist, patient, case):  # type: ignore[no-untyped-def]
    _, token = create_link(therapist_client, patient)
    link = IntakeLink.objects.get(private__patient=patient)
    visitor = Client()
    reference = visitor.get(portal("x" * 43))
    assert reference.status_code == 404
    if case == "expired":
        PrivateLink.objects.filter(pk=link.private_id).update(
            expires_at=timezone.now() - timedelta(hours=1)
        )
    elif case == "revoked":
        response = therapist_client.post(reverse("intake:link_revoke", args=[patient.pk, link.pk]))
        assert response.status_code == 302
    elif case == "unknown":
        token = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    else:
        for slug, data in FORM_SECTIONS:
            visitor.post(portal(token, slug), data)
        assert visitor.post(portal(token, "consent"), CONSENT).status_code == 302
    link.refresh_from_db()
    for url in (portal(token), portal(token, "complaint"), portal(token, "goals") + "?autosave=1"):
        response = visitor.get(url) if "autosave" not in url else visitor.post(url, GOALS)
        assert response.status_code == 404, (case, url)
        page = _unavailable_page(response)
        assert page == _unavailable_page(reference)
        for secret in ("Harbour Street", "Maria", "Lopez", patient.clinic.name):
            assert secret not in page
    if case != "completed":
        assert not Intake.objects.get(patient=patient).answers


# --- The body map ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("posted", "message"),
    [
        (
            {"i_sacroiliac_left": "11", "q_sacroiliac_left": "aching"},
            "Left sacroiliac joint: intensity must be from 0 to 10, not 11.",
        ),
        (
            {"i_sacroiliac_left": "abc", "q_sacroiliac_left": "aching"},
            "Left sacroiliac joint: intensity must be a whole number from 0 to 10.",
        ),
        ({"i_sacroiliac_left": "4"}, "Left sacroiliac joint: choose how the pain feels."),
        (
            {"i_sacroiliac_left": "4", "q_sacroiliac_left": "itchy"},
            "Left sacroiliac joint: choose how the pain feels.",
        ),
    ],
)
def test_body_map_errors_name_the_region_and_store_nothing(
    therapist_client, patient, posted, message
):  # type: ignore[no-untyped-def]
    intake = start_intake(therapist_client, patient)
    data = {"i_sacrum": "3", "q_sacrum": "aching", **posted}
    response = therapist_client.post(section_url(intake, "bodymap"), data)
    assert response.status_code == 400
    assert f"<li>{message}</li>" in text(response)
    autosave = therapist_client.post(section_url(intake, "bodymap") + "?autosave=1", data)
    assert autosave.status_code == 400
    assert autosave.json()["errors"] == {"sacroiliac_left": message}
    assert not PainMap.objects.filter(patient=patient).exists()
    assert not PainMark.objects.exists()
    recorded = therapist_client.post(reverse("intake:pain_map_new", args=[patient.pk]), data)
    assert recorded.status_code == 400
    assert message in text(recorded)
    assert not PainMap.objects.filter(patient=patient).exists()


def test_a_valid_body_map_stores_atlas_regions_and_can_be_changed(therapist_client, patient):  # type: ignore[no-untyped-def]
    intake = start_intake(therapist_client, patient)
    response = therapist_client.post(section_url(intake, "bodymap"), BODYMAP)
    assert response.status_code == 302
    assert response.url == section_url(intake, "activities")
    marks = PainMark.objects.filter(pain_map__intake=intake)
    assert sorted(marks.values_list("region_id", flat=True)) == [
        "lumbar_paraspinal_left",
        "sacroiliac_left",
        "upper_buttock_left",
    ]
    for mark in marks:
        assert atlas.region(mark.region_id).id == mark.region_id
    # Autosave replaces the marks; a region removed is no longer stored.
    changed = therapist_client.post(
        section_url(intake, "bodymap") + "?autosave=1",
        {"i_sacroiliac_left": "2", "q_sacroiliac_left": "burning", "i_lumbar_paraspinal_left": ""},
    )
    assert changed.json() == {"saved": True, "marked": 1}
    assert list(
        PainMark.objects.filter(pain_map__intake=intake).values_list(
            "region_id", "intensity", "quality"
        )
    ) == [("sacroiliac_left", 2, "burning")]
    assert PainMap.objects.filter(intake=intake).count() == 1


def test_client_page_steps_between_earlier_and_later_pain_maps(
    therapist_client, therapist, patient
):  # type: ignore[no-untyped-def]
    intake = start_intake(therapist_client, patient)
    therapist_client.post(section_url(intake, "bodymap"), BODYMAP)
    older = PainMap.objects.get(intake=intake)
    PainMap.objects.filter(pk=older.pk).update(recorded_at=timezone.now() - timedelta(days=30))
    response = therapist_client.post(
        reverse("intake:pain_map_new", args=[patient.pk]),
        {"i_sacroiliac_left": "2", "q_sacroiliac_left": "aching", "note": "Follow-up"},
    )
    assert response.status_code == 302
    newer = PainMap.objects.exclude(pk=older.pk).get(patient=patient)
    assert newer.note == "Follow-up"

    detail_url = reverse("chart:client", args=[patient.pk])
    latest = text(therapist_client.get(detail_url))
    assert "Map 2 of 2" in latest
    assert f'href="?map={older.pk}"' in latest and "Later →" not in latest
    assert marked_regions(latest) == {"sacroiliac_left": "2"}

    earlier = text(therapist_client.get(detail_url, {"map": older.pk}))
    assert "<html" in earlier
    assert "Map 1 of 2" in earlier
    assert f'href="?map={newer.pk}"' in earlier and "← Earlier" not in earlier
    assert marked_regions(earlier) == {
        "sacroiliac_left": "6",
        "lumbar_paraspinal_left": "7",
        "upper_buttock_left": "4",
    }

    partial = therapist_client.get(detail_url, {"map": older.pk}, HTTP_HX_REQUEST="true")
    fragment = text(partial)
    assert partial.status_code == 200
    assert "<html" not in fragment and "Timeline" not in fragment
    assert fragment.lstrip().startswith('<div id="painmap">')
    assert "Map 1 of 2" in fragment
    assert marked_regions(fragment) == marked_regions(earlier)

    # A map id that is not this client's falls back to the latest map.
    someone_else = patient_create(
        actor=therapist,
        data={"first_name": "Other", "last_name": "Client", "date_of_birth": date(1970, 1, 1)},
    )
    other = pain_map_record(
        actor=therapist, patient=someone_else, marks=pain_marks([("sacrum", 9, "sharp")])
    )
    fallback = text(therapist_client.get(detail_url, {"map": other.pk}))
    assert "Map 2 of 2" in fallback and "sacrum" not in marked_regions(fallback)


# --- Closed intakes and archived clients ------------------------------------------------------


def test_a_submitted_intake_cannot_be_changed(therapist_client, therapist, patient):  # type: ignore[no-untyped-def]
    intake = start_intake(therapist_client, patient)
    for slug, data in FORM_SECTIONS:
        therapist_client.post(section_url(intake, slug), data)
    therapist_client.post(section_url(intake, "consent"), CONSENT)
    intake.refresh_from_db()
    assert intake.is_submitted
    answers, updated = intake.answers, intake.updated_at
    marks = sorted(PainMark.objects.values_list("region_id", "intensity", "quality"))
    events = AuditEvent.objects.exclude(action="view").count()
    detail_url = reverse("intake:detail", args=[patient.pk, intake.pk])

    attempts = [
        (section_url(intake, "complaint"), {**COMPLAINT, "main_complaint": "Changed later"}),
        (section_url(intake, "goals") + "?autosave=1", {"goals": "Changed later"}),
        (section_url(intake, "bodymap"), {"i_sacrum": "9", "q_sacrum": "sharp"}),
        (section_url(intake, "bodymap") + "?autosave=1", {"i_sacrum": "9", "q_sacrum": "sharp"}),
        (section_url(intake, "consent"), {**CONSENT, "signature_name": "Someone Else"}),
    ]
    for url, data in attempts:
        response = therapist_client.post(url, data)
        assert response.status_code == 302, url
        assert response.url == detail_url
    assert therapist_client.get(section_url(intake, "complaint")).url == detail_url
    intake.refresh_from_db()
    assert intake.answers == answers and intake.updated_at == updated
    assert intake.consent_name == "Maria Lopez"
    assert sorted(PainMark.objects.values_list("region_id", "intensity", "quality")) == marks
    assert AuditEvent.objects.exclude(action="view").count() == events


def test_archived_clients_get_no_new_intake_or_link(therapist_client, patient):  # type: ignore[no-untyped-def]
    therapist_client.post(reverse("patients:archive", args=[patient.pk]))
    page = text(therapist_client.get(reverse("chart:client", args=[patient.pk])))
    assert "Start intake" not in page and "Create link" not in page

    refused = therapist_client.post(reverse("intake:new", args=[patient.pk]), follow=True)
    assert refused.redirect_chain[0][0] == reverse("chart:client", args=[patient.pk])
    assert "Restore the client from the archive before starting an intake." in text(refused)
    no_link = therapist_client.post(
        reverse("intake:link_create", args=[patient.pk]), {"create": "1"}, follow=True
    )
    assert "Restore the client from the archive before sending an intake link." in text(no_link)
    assert 'id="intake-url"' not in text(no_link)
    assert not Intake.objects.filter(patient=patient).exists()
    assert not PrivateLink.objects.filter(patient=patient).exists()


def test_an_intake_started_by_the_therapist_is_continued_by_the_link(
    therapist_client, therapist, patient
):  # type: ignore[no-untyped-def]
    intake = intake_start(actor=therapist, patient=patient)
    therapist_client.post(section_url(intake, "complaint"), COMPLAINT)
    _, token = create_link(therapist_client, patient)
    assert IntakeLink.objects.get(private__patient=patient).intake == intake
    visitor = Client()
    welcome = text(visitor.get(portal(token)))
    assert "Continue where you left off" in welcome
    # Complaint is done; nothing is marked yet, so the body map is the first open section.
    assert f'href="{portal(token, "bodymap")}"' in welcome
    assert "Aching low back on the left" in text(visitor.get(portal(token, "complaint")))


def test_archiving_a_client_closes_their_open_link(client, therapist, patient):  # type: ignore[no-untyped-def]
    from myomap.intake.services import intake_link_create
    from myomap.patients.services import patient_archive, patient_restore

    _, token = intake_link_create(actor=therapist, patient=patient)
    url = reverse("portal:intake", args=[token])
    assert client.get(url).status_code == 200
    patient_archive(actor=therapist, patient=patient)
    assert client.get(url).status_code == 404
    patient_restore(actor=therapist, patient=patient)
    assert client.get(url).status_code == 200


# --- Resume where the client really stopped ------------------------------------------------


def test_resume_stops_at_the_body_map_and_at_a_half_filled_section(therapist_client, patient):  # type: ignore[no-untyped-def]
    url, token = create_link(therapist_client, patient)
    visitor = Client()
    visitor.get(url)
    assert visitor.post(portal(token, "complaint"), COMPLAINT).url == portal(token, "bodymap")
    # The client skips the body map without marking anything and fills the next section.
    assert visitor.post(portal(token, "bodymap"), {}).url == portal(token, "activities")
    visitor.post(portal(token, "activities"), ACTIVITIES)
    again = text(visitor.get(url))
    assert "Continue where you left off" in again
    assert f'href="{portal(token, "bodymap")}"' in again  # not past the empty body map

    # Marks on the body map: the resume moves on, but not past a half-filled section.
    visitor.post(portal(token, "bodymap"), BODYMAP)
    visitor.post(portal(token, "history") + "?autosave=1", {"old_injuries": "Ankle"})
    again = text(visitor.get(url))
    assert (
        f'href="{portal(token, "screening")}"' in again
        or f'href="{portal(token, "history")}"' in again
    )
    intake = Intake.objects.get(patient=patient)
    from myomap.intake.flow import first_open_section
    from myomap.intake.services import intake_errors

    resume = first_open_section(intake)
    assert resume not in ("complaint", "bodymap", "activities")
    assert resume in intake_errors(intake) or resume not in intake.answers


def test_submitting_without_a_pain_map_needs_no_pain_to_mark_today(therapist_client, patient):  # type: ignore[no-untyped-def]
    intake = start_intake(therapist_client, patient)
    for slug, data in FORM_SECTIONS:
        if slug != "bodymap":
            therapist_client.post(section_url(intake, slug), data)
    refused = therapist_client.post(section_url(intake, "consent"), CONSENT)
    assert refused.status_code == 400
    page = words(text(refused))
    assert "Where it hurts" in page and "No pain to mark today" in page
    intake.refresh_from_db()
    assert intake.status == IntakeStatus.DRAFT

    # The therapist's intake resumes at the body map, which offers the explicit answer.
    resumed = therapist_client.get(reverse("intake:detail", args=[patient.pk, intake.pk]))
    assert resumed.url == section_url(intake, "bodymap")
    bodymap_page = text(therapist_client.get(section_url(intake, "bodymap")))
    assert 'name="no_pain"' in bodymap_page

    ticked = therapist_client.post(section_url(intake, "bodymap"), {"no_pain": "1"})
    assert ticked.status_code == 302
    intake.refresh_from_db()
    assert intake.answers["bodymap"] == {"no_pain": True}
    assert AuditEvent.objects.filter(
        patient=patient, summary="Answered: no pain to mark today"
    ).exists()
    done = therapist_client.post(section_url(intake, "consent"), CONSENT)
    assert done.status_code == 302
    intake.refresh_from_db()
    assert intake.status == IntakeStatus.SUBMITTED


def test_a_mark_replaces_the_no_pain_answer(therapist_client, patient):  # type: ignore[no-untyped-def]
    intake = start_intake(therapist_client, patient)
    therapist_client.post(section_url(intake, "bodymap"), {"no_pain": "1"})
    therapist_client.post(section_url(intake, "bodymap"), {**BODYMAP, "no_pain": "1"})
    intake.refresh_from_db()
    assert intake.answers["bodymap"] == {"no_pain": False}
    from myomap.intake.services import intake_errors

    assert "bodymap" not in intake_errors(intake)
