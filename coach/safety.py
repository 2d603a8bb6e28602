"""What the coach says about safety: red flags, and what to do instead.

From SAFETY.md (the seed list, widened by public guidance). The app never
diagnoses: it says where to go, and lets the user carry on only after they
confirm none of these apply.
"""

from __future__ import annotations

EMERGENCY = (
    "Numbness around your genitals or buttocks",
    "New trouble passing urine, or loss of bladder or bowel control",
    "Weakness or numbness in both legs",
    "Back pain after a serious fall or accident",
    "Chest pain",
)
EMERGENCY_ADVICE = "Any of these: get emergency care now (call your local emergency number)."

SEE_A_DOCTOR = (
    "Fever with back pain",
    "Weight loss you cannot explain",
    "Pain that is worse at night or stops you sleeping",
    "Pain spreading below the knee, into the leg",
    "Numbness or tingling",
    "Vomiting",
    "A history of cancer",
    "Pain that started with an injury",
)
SEE_A_DOCTOR_ADVICE = "Any of these: see a doctor soon, before treating it at home."

NOT_A_DOCTOR = "Coach is not a doctor and cannot tell what is causing your pain."
CONFIRM = "None of these apply to me"

STOP_REASONS = (
    ("pain-worse", "My pain got worse"),
    ("new-symptom", "I have a new symptom"),
    ("just-stopping", "Just stopping"),
)
PAIN_STOP_REASONS = ("pain-worse", "new-symptom")

RED_FLAGS_CONFIRMED_KEY = "red_flags_confirmed_utc"
