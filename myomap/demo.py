"""The demo clinic: two therapists, a front desk, an owner and twelve varied clients.

``demo_load()`` is idempotent: it fills an empty database once and leaves an existing
demo clinic untouched. Every record goes through the same services as the pages.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from myomap.clinics.models import Clinic, Role, User
from myomap.clinics.services import user_create
from myomap.common.audit import Origin
from myomap.intake.models import Intake, PainMap
from myomap.intake.services import (
    intake_link_create,
    intake_section_save,
    intake_start,
    intake_submit,
    pain_map_record,
    pain_map_save_for_intake,
)
from myomap.patients.services import patient_create
from myomap_core.pain import pain_marks

DEMO_SLUG = "harbour-street"
DEMO_PASSWORD = "myomap-demo-2026"
ORIGIN = Origin(path="(demo loader)")


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    name: str


DEMO_STAFF = (
    ("olivia", Role.OWNER, "Olivia", "Grant", "CNMT"),
    ("sam", Role.THERAPIST, "Sam", "Rivera", "LMT, CNMT"),
    ("alex", Role.THERAPIST, "Alex", "Chen", "LMT"),
    ("jo", Role.FRONT_DESK, "Jo", "Baker", ""),
)

# (first, last, dob, sex, phone, email, occupation, intake answers, pain map, earlier map)
Client = tuple[
    str,
    str,
    date,
    str,
    str,
    str,
    str,
    dict[str, dict[str, Any]],
    list[tuple[str, int, str]],
    list[tuple[str, int, str]],
]


def _answers(
    complaint: str,
    history: str,
    onset: str,
    usual: str,
    unusual: str,
    work_type: str,
    sitting: int,
    lifting: str,
    goals: str,
    *,
    event: str = "",
    injuries: str = "",
    surgeries: str = "",
    conditions: list[str] | None = None,
    medications: str = "",
    workstation: str = "",
    stress: int = 4,
    sleep: str = "fair",
    wakes: str = "no",
    other: str = "",
) -> dict[str, dict[str, Any]]:
    return {
        "complaint": {
            "main_complaint": complaint,
            "complaint_history": history,
            "onset": onset,
            "onset_date": str(date.today() - timedelta(days=120)),
            "onset_event": event,
            "pain_pattern": "intermittent",
            "worse_with": "Sitting for long periods, bending",
            "better_with": "Walking, warmth",
        },
        "activities": {"usual_activities": usual, "unusual_activities": unusual},
        "history": {
            "old_injuries": injuries,
            "surgeries": surgeries,
            "medical_conditions": conditions or [],
            "other_conditions": other,
            "medications": medications,
        },
        "work": {
            "work_type": work_type,
            "sitting_hours": str(sitting),
            "workstation": workstation,
            "lifting": lifting,
            "lifting_notes": "",
        },
        "stress": {
            "stress_level": str(stress),
            "stress_notes": "",
            "sleep_quality": sleep,
            "sleep_hours": "7",
            "pain_wakes": wakes,
            "sleep_position": "side",
        },
        "goals": {"goals": goals, "most_important": goals.split(".")[0]},
    }


CLIENTS: tuple[Client, ...] = (
    (
        "Maria",
        "Lopez",
        date(1980, 3, 14),
        "female",
        "07700 900101",
        "maria.lopez@example.org",
        "Accountant",
        _answers(
            "Aching low back on the left, worse after long days at the desk",
            "Started two years ago, flares at month-end. Pain spreads into the left buttock and side of the hip.",
            "gradual",
            "Desk work, school run, yoga once a week",
            "Sat through a 9-hour audit day twice last week",
            "sitting",
            9,
            "light",
            "Sit through a working day without pain. Get back to weekly yoga.",
            workstation="Laptop on the dining table, no separate screen",
            stress=7,
            sleep="fair",
        ),
        [
            ("lumbar_paraspinal_left", 6, "aching"),
            ("sacroiliac_left", 7, "aching"),
            ("upper_buttock_left", 5, "aching"),
            ("lateral_hip_left", 3, "aching"),
        ],
        [
            ("lumbar_paraspinal_left", 8, "aching"),
            ("sacroiliac_left", 8, "sharp"),
            ("upper_buttock_left", 6, "aching"),
        ],
    ),
    (
        "James",
        "O'Connor",
        date(1987, 7, 2),
        "male",
        "07700 900102",
        "james.oconnor@example.org",
        "Delivery driver",
        _answers(
            "Pain from the right buttock down the back of the leg",
            "Began after a long drive; the leg pain comes and goes, with tingling in the calf.",
            "single_event",
            "Driving 8–10 hours a day, five-a-side football",
            "Moved a sofa on Saturday",
            "physical",
            9,
            "heavy",
            "Drive a full shift without leg pain. Play football again.",
            event="Felt a pull in the buttock lifting parcels out of the van",
            injuries="Hamstring strain 2019",
        ),
        [
            ("lower_buttock_right", 6, "aching"),
            ("posterior_thigh_right", 5, "aching"),
            ("calf_right", 4, "tingling"),
            ("lateral_leg_right", 3, "tingling"),
        ],
        [],
    ),
    (
        "Aisha",
        "Rahman",
        date(1996, 11, 23),
        "female",
        "07700 900103",
        "aisha.rahman@example.org",
        "Graduate student",
        _answers(
            "Jaw pain and headaches on the left, clicking when I chew",
            "Headaches most afternoons for six months; jaw aches in the morning. Dentist says I grind my teeth.",
            "gradual",
            "Long hours writing, gym twice a week",
            "Exam week: very little sleep",
            "sitting",
            10,
            "none",
            "Wake without jaw pain. Fewer than one headache a week.",
            stress=8,
            sleep="poor",
            workstation="Laptop in bed or at a café",
        ),
        [
            ("tmj_left", 6, "aching"),
            ("temple_left", 5, "throbbing"),
            ("jaw_left", 4, "aching"),
            ("teeth_left", 3, "aching"),
            ("posterior_neck_left", 3, "aching"),
        ],
        [],
    ),
    (
        "Tom",
        "Becker",
        date(1973, 5, 9),
        "male",
        "07700 900104",
        "tom.becker@example.org",
        "Carpenter",
        _answers(
            "Tingling and aching in the right hand and wrist, worse at night",
            "Numb thumb and fingers when I wake; drops small screws. Forearm aches after long days of sanding.",
            "gradual",
            "Joinery workshop full time",
            "Installed a kitchen, lots of screwdriver work",
            "physical",
            2,
            "heavy",
            "Sleep through the night. Keep working with hand tools.",
            wakes="yes",
            medications="Ibuprofen now and then",
        ),
        [
            ("volar_wrist_right", 5, "tingling"),
            ("palm_right", 4, "tingling"),
            ("thumb_right", 4, "aching"),
            ("fingers_right", 3, "tingling"),
            ("anterior_forearm_radial_right", 3, "aching"),
        ],
        [],
    ),
    (
        "Chloe",
        "Martin",
        date(1991, 8, 30),
        "female",
        "07700 900105",
        "chloe.martin@example.org",
        "Nurse",
        _answers(
            "Sharp pain on the outside of the left knee when running downhill",
            "Training for a half marathon; pain starts after about 5 km and stops me running.",
            "gradual",
            "Running 4 times a week, 12-hour shifts on my feet",
            "Long downhill trail run on Sunday",
            "standing",
            2,
            "light",
            "Run the half marathon in spring without knee pain.",
        ),
        [
            ("lateral_thigh_left", 5, "aching"),
            ("lateral_knee_left", 6, "sharp"),
            ("lateral_hip_left", 3, "aching"),
        ],
        [],
    ),
    (
        "David",
        "Kim",
        date(1968, 1, 17),
        "male",
        "07700 900106",
        "david.kim@example.org",
        "Teacher",
        _answers(
            "Stabbing heel pain on the right, worst with the first steps in the morning",
            "Three months of heel pain; better after walking a while, worse after standing in class.",
            "gradual",
            "Teaching on my feet, walking the dog",
            "New hard-soled shoes for a wedding",
            "standing",
            3,
            "none",
            "Walk the dog for an hour without heel pain.",
            conditions=["high_blood_pressure"],
            medications="Amlodipine",
        ),
        [
            ("heel_right", 7, "stabbing"),
            ("arch_right", 5, "aching"),
            ("achilles_right", 2, "aching"),
        ],
        [],
    ),
    (
        "Frank",
        "Miller",
        date(1964, 2, 5),
        "male",
        "07700 900107",
        "frank.miller@example.org",
        "Retired engineer",
        _answers(
            "Severe low back pain with numbness between the legs",
            "Back pain for a week, getting worse. Since two days the area I sit on feels numb and passing urine is difficult. Both legs feel weak on the stairs.",
            "gradual",
            "Gardening, walking",
            "Dug a new vegetable bed",
            "not_working",
            4,
            "heavy",
            "Get rid of the pain.",
            conditions=["arthritis"],
            wakes="yes",
            sleep="poor",
        ),
        [
            ("lumbar_spine", 7, "aching"),
            ("sacrum", 6, "burning"),
            ("posterior_thigh_left", 5, "tingling"),
            ("posterior_thigh_right", 5, "tingling"),
        ],
        [],
    ),
    (
        "Sofia",
        "Rossi",
        date(1985, 4, 12),
        "female",
        "07700 900108",
        "sofia.rossi@example.org",
        "Software developer",
        _answers(
            "Neck and shoulder tension on the right with headaches at the temple",
            "Worse at the end of the working week; the right shoulder feels stuck up near the ear.",
            "gradual",
            "Programming, climbing once a week",
            "Worked on a laptop on the train all week",
            "sitting",
            10,
            "none",
            "A working week without headaches. Climb without neck pain.",
            workstation="Two monitors, the main one to the right; mouse far to the right",
            stress=6,
        ),
        [
            ("upper_trapezius_right", 6, "aching"),
            ("posterior_neck_right", 5, "aching"),
            ("temple_right", 4, "throbbing"),
            ("medial_scapular_right", 4, "aching"),
        ],
        [
            ("upper_trapezius_right", 7, "aching"),
            ("posterior_neck_right", 6, "aching"),
            ("temple_right", 6, "throbbing"),
        ],
    ),
    (
        "Peter",
        "Novak",
        date(1959, 9, 3),
        "male",
        "07700 900109",
        "peter.novak@example.org",
        "Retired postman",
        _answers(
            "Pain on the outside of the left hip, cannot lie on that side",
            "For a year; also aches in the groin after long walks.",
            "gradual",
            "Walking, bowls",
            "Walked 15 km on a holiday",
            "not_working",
            5,
            "light",
            "Sleep on my left side. Walk to town and back.",
            conditions=["osteoporosis"],
            medications="Alendronate weekly",
        ),
        [
            ("lateral_hip_left", 6, "aching"),
            ("groin_left", 4, "aching"),
            ("anterior_thigh_left", 3, "aching"),
        ],
        [],
    ),
    (
        "Grace",
        "Okafor",
        date(1995, 12, 19),
        "female",
        "07700 900110",
        "grace.okafor@example.org",
        "Dancer",
        _answers(
            "Calf cramps at night, left more than right",
            "Cramps wake me two or three nights a week since rehearsals increased.",
            "gradual",
            "Dance rehearsals 5 days a week",
            "Two extra rehearsals before a show",
            "physical",
            2,
            "light",
            "Sleep without cramps. Dance the show season.",
            wakes="yes",
        ),
        [("calf_left", 6, "sharp"), ("calf_right", 4, "sharp"), ("heel_left", 2, "aching")],
        [],
    ),
    (
        "Liam",
        "Walsh",
        date(1982, 6, 25),
        "male",
        "07700 900111",
        "liam.walsh@example.org",
        "Chef",
        _answers(
            "Pain on the outside of the right elbow when gripping",
            "Six weeks; lifting pans and chopping hurt. The forearm feels tight.",
            "gradual",
            "Kitchen shifts, tennis on Sundays",
            "Extra catering job: chopping for 300 guests",
            "standing",
            1,
            "heavy",
            "Grip a pan and play tennis without elbow pain.",
        ),
        [
            ("lateral_elbow_right", 6, "aching"),
            ("posterior_forearm_radial_right", 5, "aching"),
            ("dorsal_hand_right", 2, "aching"),
        ],
        [],
    ),
    (
        "Hannah",
        "Schmidt",
        date(1989, 10, 7),
        "female",
        "07700 900112",
        "hannah.schmidt@example.org",
        "Warehouse supervisor",
        _answers(
            "Chronic right low back pain, worse standing, one hip feels higher",
            "On and off for five years; this flare for three months. Pain into the right buttock and side of the hip.",
            "gradual",
            "Standing and walking at work, lifting boxes",
            "Stocktake: lifting all week",
            "physical",
            3,
            "heavy",
            "Work a full shift without pain. Pick up my toddler without fear.",
            injuries="Fell down stairs 2018 (bruised hip)",
            stress=5,
        ),
        [
            ("lumbar_paraspinal_right", 6, "aching"),
            ("flank_right", 5, "aching"),
            ("sacroiliac_right", 5, "aching"),
            ("lower_buttock_right", 4, "aching"),
            ("lateral_hip_right", 3, "aching"),
        ],
        [
            ("lumbar_paraspinal_right", 8, "aching"),
            ("flank_right", 7, "sharp"),
            ("sacroiliac_right", 7, "aching"),
            ("lower_buttock_right", 6, "aching"),
        ],
    ),
)

DEMO_MODULES = (
    "myomap.screening.demo",
    "myomap.assessments.demo",
    "myomap.outcomes.demo",
    "myomap.plans.demo",
    "myomap.sessions.demo",
    "myomap.notes.demo",
    "myomap.aftercare.demo",
    "myomap.appointments.demo",
)
"""Apps that add their own demo records once the clients and intakes exist, in this order."""

CONSENT = {"consent_agree": "on", "signature_name": ""}


def demo_logins() -> list[DemoLogin]:
    return [DemoLogin(u, role.label, f"{f} {last}") for u, role, f, last, _ in DEMO_STAFF] + [
        DemoLogin("riverside", "Therapist at another clinic", "Rae Moss")
    ]


@transaction.atomic
def demo_load() -> bool:
    """Fill the demo clinic if it is missing. Returns True when something was created."""
    if Clinic.objects.filter(slug=DEMO_SLUG).exists():
        return False
    clinic = Clinic.objects.create(
        name="Harbour Street Neuromuscular Therapy",
        slug=DEMO_SLUG,
        timezone="Europe/London",
        address="12 Harbour Street\nBristol BS1 4RN",
        phone="0117 496 0000",
        email="hello@harbourstreet.example.org",
    )
    staff: dict[str, User] = {}
    for username, role, first, last, credentials in DEMO_STAFF:
        staff[username] = user_create(
            clinic=clinic,
            username=username,
            password=DEMO_PASSWORD,
            role=role,
            first_name=first,
            last_name=last,
            credentials=credentials,
            email=f"{username}@harbourstreet.example.org",
        )
    other = Clinic.objects.create(
        name="Riverside Bodywork", slug="riverside", timezone="Europe/London"
    )
    user_create(
        clinic=other,
        username="riverside",
        password=DEMO_PASSWORD,
        role=Role.THERAPIST,
        first_name="Rae",
        last_name="Moss",
    )

    therapists = [staff["sam"], staff["alex"]]
    for index, (first, last, born, sex, phone, email, job, answers, marks, earlier) in enumerate(
        CLIENTS
    ):
        therapist = therapists[index % 2]
        patient = patient_create(
            actor=staff["jo"],
            data={
                "first_name": first,
                "last_name": last,
                "date_of_birth": born,
                "sex": sex,
                "phone": phone,
                "email": email,
                "occupation": job,
                "physician_name": "Dr Helen Shaw",
                "physician_contact": "Clifton Medical Practice, 0117 496 0100",
            },
            origin=ORIGIN,
        )
        if earlier:
            old = pain_map_record(
                actor=therapist,
                patient=patient,
                marks=pain_marks(earlier),
                note="First visit",
                origin=ORIGIN,
            )
            PainMap.objects.filter(pk=old.pk).update(
                recorded_at=timezone.now() - timedelta(days=42)
            )
        if index == 11:
            # One intake still in progress, sent to the client as a private link.
            link, _ = intake_link_create(
                actor=staff["jo"], patient=patient, sent_to=email, origin=ORIGIN
            )
            _fill(link.intake, answers, marks, therapist=None, submit=False, name=f"{first} {last}")
            continue
        intake = intake_start(actor=therapist, patient=patient, origin=ORIGIN)
        _fill(intake, answers, marks, therapist=therapist, submit=True, name=f"{first} {last}")
    for module in DEMO_MODULES:
        importlib.import_module(module).load_demo(clinic)
    return True


def _fill(
    intake: Intake,
    answers: dict[str, dict[str, Any]],
    marks: list[tuple[str, int, str]],
    *,
    therapist: User | None,
    submit: bool,
    name: str,
) -> None:
    sections = (submit and answers) or {
        k: v for k, v in answers.items() if k in ("complaint", "activities")
    }
    for slug, data in sections.items():
        intake_section_save(intake=intake, slug=slug, data=data, actor=therapist, origin=ORIGIN)
    pain_map_save_for_intake(intake=intake, marks=pain_marks(marks), actor=therapist, origin=ORIGIN)
    if submit:
        intake_section_save(
            intake=intake,
            slug="consent",
            data={**CONSENT, "signature_name": name},
            actor=therapist,
            origin=ORIGIN,
        )
        intake_submit(intake=intake, actor=therapist, origin=ORIGIN)
