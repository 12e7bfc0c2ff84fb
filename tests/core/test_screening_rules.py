"""Clinical scenarios for every screening rule (CLINICAL.md §7-8), positive and negative.

Each scenario starts from a client who answered "no" to every yes/no question, then
changes the answers the scenario is about, so the expected decision is exact.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from myomap_core import screening
from myomap_core.screening import AnswerType, Decision, ScreeningResult, parse_input
from myomap_core.screening_logic import Answer
from tests.core.guideline_scenarios import CASES

E = Decision.EMERGENCY
U = Decision.URGENT_REFERRAL
S = Decision.SAME_DAY_REFERRAL
R = Decision.REFER_BEFORE_TREATMENT
P = Decision.TREAT_WITH_PRECAUTIONS
T = Decision.TREAT

ALL_NO: dict[str, Answer] = {
    q.id: False for q in screening.questions() if q.type is AnswerType.BOOLEAN
}
ALL_NO["pain_examined"] = True  # a clinician has seen the pain: not "unexplained"
ALL_NO["nerve_symptoms_recent"] = True  # the nerve symptoms a scenario adds are new


def run(age: int | None = 40, sex: str | None = "female", **answers: Answer) -> ScreeningResult:
    data: dict[str, object] = {"age": age, "sex": sex, "answers": {**ALL_NO, **answers}}
    return screening.screen(parse_input(data))


def fired(result: ScreeningResult) -> set[str]:
    return {f.rule_id for f in result.findings}


@dataclass(frozen=True)
class Scenario:
    name: str
    decision: Decision
    answers: dict[str, Answer]
    age: int | None = 40
    sex: str | None = "female"
    rules: frozenset[str] = field(default_factory=frozenset)
    """Rules that must fire."""
    absent: frozenset[str] = field(default_factory=frozenset)
    """Rules that must not fire."""


def sc(
    name: str,
    decision: Decision,
    answers: dict[str, Answer],
    *,
    age: int | None = 40,
    sex: str | None = "female",
    fires: tuple[str, ...] = (),
    absent: tuple[str, ...] = (),
) -> Scenario:
    return Scenario(name, decision, answers, age, sex, frozenset(fires), frozenset(absent))


SCENARIOS = [
    sc("nothing wrong", T, {}),
    # ---------------------------------------------------------------- cauda equina
    *[
        sc(f"cauda equina: {sign}", E, {sign: True}, fires=("cauda_equina",))
        for sign in (
            "saddle_numbness",
            "bladder_change",
            "bowel_change",
            "sexual_change",
            "both_legs_weak",
        )
    ],
    sc(
        "back pain into one leg only is not cauda equina",
        T,
        {"pain_spreads_limb": True},
        absent=("cauda_equina",),
    ),
    # ---------------------------------------------------------------- cord compression
    *[
        sc(
            f"cancer with {sign}: spinal cord compression",
            E,
            {"cancer_history": True, sign: True},
            fires=("spinal_cord_compression_cancer", "malignancy_cancer_history"),
        )
        for sign in (
            "pain_spreads_limb",
            "limb_weakness",
            "walking_difficulty",
            "numbness",
            "bladder_change",
            "bowel_change",
        )
    ],
    sc(
        "numbness without cancer is not cord compression",
        T,
        {"numbness": True},
        absent=("spinal_cord_compression_cancer",),
    ),
    sc(
        "new limb weakness without cancer",
        R,
        {"limb_weakness": True},
        fires=("neurological_deficit",),
        absent=("spinal_cord_compression_cancer",),
    ),
    sc("new walking difficulty", R, {"walking_difficulty": True}, fires=("neurological_deficit",)),
    # ---------------------------------------------------------------- malignancy
    sc(
        "history of cancer alone",
        U,
        {"cancer_history": True},
        age=35,
        fires=("malignancy_cancer_history", "cancer_site"),
        absent=("spinal_cord_compression_cancer",),
    ),
    sc(
        "age 51 with weight loss",
        U,
        {"unexplained_weight_loss": True},
        age=51,
        fires=("malignancy_combination", "malignancy_single_sign"),
    ),
    sc(
        "age 50 with weight loss: one sign only",
        R,
        {"unexplained_weight_loss": True},
        age=50,
        fires=("malignancy_single_sign",),
        absent=("malignancy_combination",),
    ),
    sc(
        "age 19 with night pain", U, {"night_pain": True}, age=19, fires=("malignancy_combination",)
    ),
    sc(
        "age 20 with night pain: one sign only",
        R,
        {"night_pain": True},
        age=20,
        fires=("malignancy_single_sign",),
        absent=("malignancy_combination",),
    ),
    sc(
        "night pain and constant severe pain at 35",
        U,
        {"night_pain": True, "pain_unremitting": True},
        age=35,
        fires=("malignancy_combination",),
    ),
    sc(
        "no improvement for a month with weight loss",
        U,
        {"no_improvement_month": True, "unexplained_weight_loss": True},
        age=35,
        fires=("malignancy_combination",),
    ),
    sc(
        "age 60, chronic pain examined, no other sign",
        T,
        {"no_improvement_month": True},
        age=60,
        absent=("malignancy_combination", "malignancy_single_sign", "unexplained_pain"),
    ),
    sc("age 70 alone is not a red flag", T, {}, age=70),
    sc(
        "constant severe pain alone",
        R,
        {"pain_unremitting": True},
        fires=("malignancy_single_sign",),
    ),
    # ---------------------------------------------------------------- infection
    sc(
        "fever and very unwell",
        E,
        {"fever": True, "very_unwell": True},
        fires=("infection_unwell", "fever_or_infection"),
    ),
    *[
        sc(
            f"fever with {risk}",
            S,
            {"fever": True, risk: True},
            fires=("infection_spinal", "fever_or_infection"),
            absent=("infection_unwell",),
        )
        for risk in ("immunosuppressed", "iv_drug_use", "recent_bacterial_infection")
    ],
    sc(
        "fever alone: reschedule",
        R,
        {"fever": True},
        fires=("fever_or_infection",),
        absent=("infection_spinal", "infection_unwell"),
    ),
    sc(
        "contagious infection: reschedule",
        R,
        {"contagious_infection": True},
        fires=("fever_or_infection",),
    ),
    sc(
        "injected drugs without fever",
        S,
        {"iv_drug_use": True},
        fires=("infection_injected_drugs",),
        absent=("infection_spinal",),
    ),
    sc(
        "recent bacterial infection without fever",
        R,
        {"recent_bacterial_infection": True},
        fires=("infection_risk",),
    ),
    sc(
        "weakened immunity without fever",
        R,
        {"immunosuppressed": True},
        fires=("weakened_immunity", "infection_risk"),
        absent=("infection_spinal",),
    ),
    # ---------------------------------------------------------------- fracture
    sc("serious accident", S, {"major_trauma": True}, fires=("fracture_major_trauma",)),
    sc(
        "minor fall with osteoporosis",
        S,
        {"minor_trauma": True, "osteoporosis": True},
        fires=("fracture_fragility", "osteoporosis"),
    ),
    sc(
        "minor fall on long-term steroids",
        S,
        {"minor_trauma": True, "steroid_use": True},
        fires=("fracture_fragility", "long_term_steroids"),
    ),
    sc("minor fall with healthy bones", T, {"minor_trauma": True}, absent=("fracture_fragility",)),
    sc("new spinal deformity", S, {"spinal_deformity": True}, fires=("fracture_deformity",)),
    # ---------------------------------------------------------------- axial SpA (NICE NG65)
    sc(
        "axial SpA: onset 25 with three more features",
        P,
        {
            "back_pain_over_3_months": True,
            "back_pain_start_age": 25,
            "wakes_second_half_night": True,
            "buttock_pain": True,
            "better_with_movement": True,
        },
        age=30,
        fires=("axial_spondyloarthritis",),
        absent=("axial_spondyloarthritis_three",),
    ),
    sc(
        "axial SpA: onset 40 with four features",
        P,
        {
            "back_pain_over_3_months": True,
            "back_pain_start_age": 40,
            "nsaid_relief": True,
            "family_spa": True,
            "arthritis": True,
            "psoriasis": True,
        },
        age=60,
        fires=("axial_spondyloarthritis",),
    ),
    sc(
        "axial SpA: three features only, HLA-B27 advice",
        P,
        {
            "back_pain_over_3_months": True,
            "back_pain_start_age": 40,
            "enthesitis": True,
            "family_spa": True,
            "arthritis": True,
        },
        age=60,
        fires=("axial_spondyloarthritis_three",),
        absent=("axial_spondyloarthritis",),
    ),
    sc(
        "axial SpA: onset 35 does not count as under 35",
        P,
        {
            "back_pain_over_3_months": True,
            "back_pain_start_age": 35,
            "wakes_second_half_night": True,
            "buttock_pain": True,
            "better_with_movement": True,
        },
        age=50,
        fires=("axial_spondyloarthritis_three",),
        absent=("axial_spondyloarthritis",),
    ),
    sc(
        "axial SpA: onset 45 is too late",
        T,
        {
            "back_pain_over_3_months": True,
            "back_pain_start_age": 45,
            "nsaid_relief": True,
            "family_spa": True,
            "arthritis": True,
            "psoriasis": True,
            "buttock_pain": True,
        },
        age=60,
        absent=("axial_spondyloarthritis", "axial_spondyloarthritis_three"),
    ),
    sc(
        "axial SpA: pain under 3 months",
        T,
        {
            "wakes_second_half_night": True,
            "buttock_pain": True,
            "better_with_movement": True,
            "nsaid_relief": True,
        },
        age=25,
        absent=("axial_spondyloarthritis",),
    ),
    sc(
        "axial SpA: a client under 35 needs no start age",
        P,
        {
            "back_pain_over_3_months": True,
            "wakes_second_half_night": True,
            "buttock_pain": True,
            "better_with_movement": True,
        },
        age=28,
        fires=("axial_spondyloarthritis",),
    ),
    # ---------------------------------------------------------------- aortic aneurysm
    # NICE NG156: age alone is not the risk group; men 66 and over with a risk factor are.
    sc(
        "sudden belly pain at 66 with a vascular risk factor",
        E,
        {"abdominal_pain_new": True, "vascular_risk": True},
        age=66,
        fires=("abdominal_aortic_aneurysm", "abdominal_pain_sudden"),
    ),
    sc(
        "sudden belly pain at 65 with a vascular risk factor",
        S,
        {"abdominal_pain_new": True, "vascular_risk": True},
        age=65,
        fires=("abdominal_pain_sudden",),
        absent=("abdominal_aortic_aneurysm",),
    ),
    sc(
        "sudden belly pain at 51 without a risk factor",
        S,
        {"abdominal_pain_new": True},
        age=51,
        fires=("abdominal_pain_sudden",),
        absent=("abdominal_aortic_aneurysm",),
    ),
    sc(
        "sudden belly pain with collapse at 40",
        E,
        {"abdominal_pain_new": True, "collapse": True},
        fires=("abdominal_aortic_aneurysm",),
    ),
    sc(
        "sudden belly pain with a throbbing lump",
        E,
        {"abdominal_pain_new": True, "pulsatile_mass": True},
        fires=("abdominal_aortic_aneurysm", "aortic_aneurysm_known"),
    ),
    sc(
        "throbbing lump without pain",
        R,
        {"pulsatile_mass": True},
        fires=("aortic_aneurysm_known",),
        absent=("abdominal_aortic_aneurysm",),
    ),
    sc(
        "known aneurysm without pain",
        R,
        {"aaa_known": True},
        age=70,
        fires=("aortic_aneurysm_known",),
    ),
    # ---------------------------------------------------------------- the seeds' own
    sc(
        "suspected disc with numbness",
        R,
        {"disc_suspected": True, "numbness": True},
        fires=("disc_with_nerve_signs",),
    ),
    sc(
        "leg pain with weakness",
        R,
        {"pain_spreads_limb": True, "limb_weakness": True},
        fires=("disc_with_nerve_signs", "neurological_deficit"),
    ),
    sc(
        "suspected disc without nerve signs",
        T,
        {"disc_suspected": True},
        absent=("disc_with_nerve_signs",),
    ),
    sc(
        "suspected broken bone",
        R,
        {"fracture_suspected": True, "fracture_suspected_site": "right wrist"},
        fires=("fracture_suspected",),
    ),
    # ---------------------------------------------------------------- §8
    sc("deep vein thrombosis", R, {"dvt": True}, fires=("deep_vein_thrombosis",)),
    sc(
        "swollen warm calf",
        S,
        {"leg_swelling_one_side": True},
        fires=("deep_vein_thrombosis_signs",),
    ),
    sc("blood thinner", P, {"anticoagulant": True}, fires=("bleeding_risk",)),
    sc("bleeding disorder", P, {"bleeding_disorder": True}, fires=("bleeding_risk",)),
    sc(
        "osteoporosis",
        P,
        {"osteoporosis": True},
        fires=("osteoporosis",),
        absent=("osteoporosis_severe",),
    ),
    sc(
        "severe osteoporosis",
        P,
        {"osteoporosis": True, "osteoporosis_severe": True},
        fires=("osteoporosis", "osteoporosis_severe"),
    ),
    sc(
        "recent fracture",
        P,
        {"fracture_recent": True, "fracture_recent_site": "left wrist"},
        fires=("fracture_recent",),
    ),
    sc(
        "cancer in the bones",
        U,
        {"cancer_history": True, "cancer_bone_spread": True},
        fires=("bone_metastasis", "malignancy_cancer_history"),
    ),
    sc(
        "operation 3 weeks ago",
        P,
        {"surgery_recent": True, "surgery_weeks_ago": 3, "surgery_site": "left knee"},
        fires=("recent_surgery",),
    ),
    sc(
        "operation 5 weeks ago",
        P,
        {"surgery_recent": True, "surgery_weeks_ago": 5},
        fires=("recent_surgery",),
    ),
    sc(
        "operation 6 weeks ago is no longer recent",
        T,
        {"surgery_recent": True, "surgery_weeks_ago": 6},
        absent=("recent_surgery",),
    ),
    sc(
        "operation, weeks not given: assume recent",
        P,
        {"surgery_recent": True},
        fires=("recent_surgery",),
    ),
    sc(
        "skin wound",
        P,
        {"skin_problem": True, "skin_problem_site": "right calf"},
        fires=("skin_lesion",),
    ),
    sc(
        "hot red swollen knee",
        P,
        {"acute_inflammation": True, "acute_inflammation_site": "left knee"},
        fires=("acute_inflammation",),
    ),
    sc(
        "pregnancy",
        R,
        {"pregnant": True, "pregnancy_weeks": 24},
        fires=("pregnancy",),
        absent=("pregnancy_high_risk",),
    ),
    sc(
        "high-risk pregnancy",
        R,
        {"pregnant": True, "pregnancy_high_risk": True},
        fires=("pregnancy", "pregnancy_high_risk"),
    ),
    sc(
        "varicose veins",
        P,
        {"varicose_veins": True, "varicose_site": "back of both calves"},
        fires=("varicose_veins",),
    ),
    sc(
        "diabetes with neuropathy",
        P,
        {"diabetes": True, "diabetes_neuropathy": True},
        fires=("diabetic_neuropathy",),
    ),
    sc("diabetes without neuropathy", T, {"diabetes": True}, absent=("diabetic_neuropathy",)),
    sc("fragile skin", P, {"fragile_skin": True}, fires=("fragile_skin",)),
    sc("long-term steroids", P, {"steroid_use": True}, fires=("long_term_steroids",)),
    sc(
        "cancer site protected",
        U,
        {"cancer_history": True, "cancer_site": "left breast"},
        fires=("cancer_site",),
    ),
    sc(
        "unexplained pain never examined",
        R,
        {"pain_unexplained": True, "pain_examined": False},
        fires=("unexplained_pain",),
    ),
    sc(
        "pain not improving, never examined",
        R,
        {"no_improvement_month": True, "pain_examined": False},
        fires=("unexplained_pain",),
    ),
    sc(
        "unexplained pain already examined",
        T,
        {"pain_unexplained": True},
        absent=("unexplained_pain",),
    ),
    # ---------------------------------------------------------------- combinations
    sc(
        "cauda equina and blood thinner: emergency wins",
        E,
        {"saddle_numbness": True, "anticoagulant": True},
        fires=("cauda_equina", "bleeding_risk"),
    ),
    sc(
        "pregnancy and a swollen calf: same-day wins",
        S,
        {"pregnant": True, "leg_swelling_one_side": True},
        fires=("pregnancy", "deep_vein_thrombosis_signs"),
    ),
    sc(
        "fever, weight loss at 60 and recent surgery: urgent wins",
        U,
        {"fever": True, "unexplained_weight_loss": True, "surgery_recent": True},
        age=60,
        fires=("malignancy_combination", "fever_or_infection", "recent_surgery"),
    ),
    sc(
        "serious accident on blood thinners: same-day wins",
        S,
        {"major_trauma": True, "anticoagulant": True},
        fires=("fracture_major_trauma", "bleeding_risk"),
    ),
]


@pytest.mark.parametrize("case", SCENARIOS, ids=[s.name for s in SCENARIOS])
def test_scenario(case: Scenario) -> None:
    result = run(case.age, case.sex, **case.answers)
    assert result.decision is case.decision, [f.rule_id for f in result.findings]
    assert case.rules <= fired(result)
    assert not case.absent & fired(result)
    assert result.findings == tuple(sorted(result.findings, key=lambda f: -f.decision.urgency)), (
        "findings are most urgent first"
    )
    if result.findings:
        assert result.findings[0].decision is result.decision


def test_every_rule_has_a_positive_scenario() -> None:
    covered: set[str] = set()
    for case in SCENARIOS:
        covered |= case.rules
    for item in CASES:
        covered |= set(item.fires)
    assert covered == {rule.id for rule in screening.rules()}


def test_every_rule_has_a_negative_scenario() -> None:
    negatives: set[str] = {"nothing wrong"}
    for case in SCENARIOS:
        negatives |= case.absent
    # With every answer "no", no rule fires: each rule's negative case.
    assert not run().findings
    assert run().complete
    assert {"cauda_equina", "malignancy_combination", "abdominal_aortic_aneurysm"} <= negatives


# ------------------------------------------------------------------- precautions


def test_anticoagulants_forbid_deep_work_and_ischaemic_compression() -> None:
    p = run(anticoagulant=True).precautions
    assert {"ischemic_compression", "deep_pressure", "forceful_stretch"} <= set(
        p.techniques_not_allowed
    )
    assert p.max_pressure_kg == 2.0
    assert not p.needs_clearance


def test_the_lowest_pressure_cap_wins_and_techniques_unite() -> None:
    result = run(anticoagulant=True, osteoporosis=True, osteoporosis_severe=True, fragile_skin=True)
    p = result.precautions
    assert p.max_pressure_kg == 1.5
    assert {"ischemic_compression", "deep_pressure", "cross_fibre_friction"} <= set(
        p.techniques_not_allowed
    )
    assert len(p.techniques_not_allowed) == len(set(p.techniques_not_allowed))
    assert {"thoracic_spine", "lumbar_spine"} <= set(p.regions_to_avoid)


def test_fracture_red_flag_keeps_pressure_off_the_spine() -> None:
    p = run(major_trauma=True).precautions
    assert {"cervical_spine", "thoracic_spine", "lumbar_spine", "sacrum"} <= set(p.regions_to_avoid)
    assert p.needs_clearance


def test_aneurysm_keeps_pressure_off_the_belly() -> None:
    p = run(age=70, abdominal_pain_new=True).precautions
    assert {"upper_abdomen", "lower_abdomen"} <= set(p.regions_to_avoid)
    assert "deep_abdominal_work" in p.techniques_not_allowed


def test_recent_surgery_avoids_the_named_site_and_shows_the_follow_ups() -> None:
    result = run(
        surgery_recent=True,
        surgery_which="arthroscopy",
        surgery_weeks_ago=2,
        surgery_site="right knee",
    )
    finding = next(f for f in result.findings if f.rule_id == "recent_surgery")
    assert dict(finding.details) == {
        "surgery_which": "arthroscopy",
        "surgery_weeks_ago": 2,
        "surgery_site": "right knee",
    }
    regions = set(result.precautions.regions_to_avoid)
    assert {"anterior_knee_right", "popliteal_right"} <= regions
    assert not any(r.endswith("_left") for r in regions)
    assert result.precautions.sites_to_avoid == ()


def test_a_site_the_atlas_does_not_know_is_kept_as_written() -> None:
    result = run(surgery_recent=True, surgery_site="appendix scar")
    assert result.precautions.sites_to_avoid == ("appendix scar",)


def test_a_partly_understood_site_gives_regions_and_keeps_the_words() -> None:
    result = run(skin_problem=True, skin_problem_site="scar on the left knee")
    p = result.precautions
    assert "anterior_knee_left" in p.regions_to_avoid
    assert p.sites_to_avoid == ("scar on the left knee",)


def test_pregnancy_needs_clearance_positioning_and_no_deep_abdominal_work() -> None:
    p = run(pregnant=True, pregnancy_weeks=22).precautions
    assert p.needs_clearance
    assert "deep_abdominal_work" in p.techniques_not_allowed
    assert any("side-lying" in text.casefold() for text in p.positioning)


def test_diabetic_neuropathy_caps_pressure_and_says_pain_dosing_is_unreliable() -> None:
    p = run(diabetes=True, diabetes_neuropathy=True).precautions
    assert p.max_pressure_kg == 2.0
    assert any("pain-guided dosing is unreliable" in note.casefold() for note in p.notes)


def test_dvt_means_no_treatment_until_cleared() -> None:
    result = run(dvt=True)
    assert result.decision.requires_clearance
    assert result.precautions.needs_clearance
    assert "Do not treat" in result.findings[0].action


def test_cancer_site_needs_the_oncologists_approval() -> None:
    result = run(age=45, cancer_history=True, cancer_site="left breast")
    assert "upper_chest_left" in result.precautions.regions_to_avoid
    assert result.precautions.needs_clearance
    assert any("oncologist" in note for note in result.precautions.notes)


def test_axial_spa_is_a_routine_referral_and_treatment_continues() -> None:
    result = run(
        age=30,
        back_pain_over_3_months=True,
        back_pain_start_age=22,
        wakes_second_half_night=True,
        buttock_pain=True,
        better_with_movement=True,
    )
    assert result.decision is Decision.TREAT_WITH_PRECAUTIONS
    assert not result.precautions.needs_clearance
    assert any("rheumatolog" in note for note in result.precautions.notes)


# ------------------------------------------------------------------- unknown answers


def test_no_answers_at_all_is_not_a_clean_bill_of_health() -> None:
    result = screening.screen(parse_input({"answers": {}}))
    assert result.decision is Decision.TREAT
    assert not result.complete
    assert {f.rule_id for f in result.possible} == {r.id for r in screening.rules()}
    assert "saddle_numbness" in result.unknown and "cancer_history" in result.unknown
    # Follow-ups are asked only after a yes, so they are not listed yet.
    assert "surgery_site" not in result.unknown and "very_unwell" not in result.unknown
    assert result.age_needed


def test_one_missing_red_flag_answer_is_listed_not_taken_as_no() -> None:
    answers = dict(ALL_NO)
    del answers["saddle_numbness"]
    result = screening.screen(parse_input({"age": 40, "answers": answers}))
    assert result.decision is Decision.TREAT
    assert result.unknown == ("saddle_numbness",)
    assert [f.rule_id for f in result.possible] == ["cauda_equina"]
    assert not result.complete


def test_null_answers_mean_unknown() -> None:
    result = screening.screen(parse_input({"age": 40, "answers": {**ALL_NO, "dvt": None}}))
    assert "dvt" in result.unknown
    assert "deep_vein_thrombosis" in {f.rule_id for f in result.possible}


def test_a_follow_up_after_yes_is_listed_when_unanswered() -> None:
    answers = {**ALL_NO, "fever": True}
    del answers["very_unwell"]
    result = screening.screen(parse_input({"age": 40, "answers": answers}))
    assert result.decision is Decision.REFER_BEFORE_TREATMENT
    assert "very_unwell" in result.unknown
    assert "infection_unwell" in {f.rule_id for f in result.possible}


def test_missing_age_leaves_age_rules_open() -> None:
    answers = {**ALL_NO, "abdominal_pain_new": True, "vascular_risk": True}
    result = screening.screen(parse_input({"answers": answers}))
    assert result.decision is Decision.SAME_DAY_REFERRAL
    assert result.age_needed
    assert "abdominal_aortic_aneurysm" in {f.rule_id for f in result.possible}


def test_pregnancy_questions_are_not_asked_of_male_clients() -> None:
    answers = {k: v for k, v in ALL_NO.items() if k != "pregnant"}
    result = screening.screen(parse_input({"age": 40, "sex": "male", "answers": answers}))
    assert "pregnant" not in result.unknown
    female = screening.screen(parse_input({"age": 40, "sex": "female", "answers": answers}))
    assert "pregnant" in female.unknown


def test_a_no_to_the_parent_closes_its_follow_ups() -> None:
    result = run(surgery_recent=False)
    assert not {"surgery_site", "surgery_weeks_ago", "surgery_which"} & set(result.unknown)


def test_known_answers_that_already_decide_a_rule_need_no_more() -> None:
    answers = {**ALL_NO, "saddle_numbness": True}
    del answers["bladder_change"]
    result = screening.screen(parse_input({"age": 40, "answers": answers}))
    assert result.decision is Decision.EMERGENCY
    assert "cauda_equina" in fired(result)
    assert "cauda_equina" not in {f.rule_id for f in result.possible}


def test_triggered_by_names_the_answers_that_fired_the_rule() -> None:
    result = run(age=51, unexplained_weight_loss=True)
    finding = next(f for f in result.findings if f.rule_id == "malignancy_combination")
    assert finding.triggered_by == (("age", 51), ("unexplained_weight_loss", True))
