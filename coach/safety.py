"""What the coach says about safety: red flags in three tiers, and what to do.

The one definition of the red flags. The first-run screen, the stop-for-pain
screen, the flare-up dialog, the pain-rising warning and the README's
"Red flags" section all come from :data:`TIERS` (a test keeps the README in
step with :func:`as_markdown`). The app never diagnoses: it says where to go,
and lets the user carry on only after they confirm none of these apply.

Where each tier comes from (checked against public guidance, November 2026):

- Emergency: NHS "Back pain" (call 999 or go to A&E) and NHS "Cauda equina
  syndrome" (its signs in full); the NICE clinical knowledge summary "Back
  pain - low" lists cauda equina among the causes to rule out first.
- Urgent, same day: NHS "Back pain" (an urgent GP appointment or 111: fever,
  weight loss, a lump or a change in the back's shape, pain worse at night);
  the red flags for a serious cause that NICE NG59 and the NICE clinical
  knowledge summary "Back pain - low (without radiculopathy)" list: cancer,
  infection (a weakened immune system, pain or blood passing urine), fracture
  (osteoporosis, long-term steroids), a nerve getting worse (weakness in one
  leg); the NHS 111 list also has pain worse on sneezing, coughing or going
  to the toilet, and pain high between the shoulder blades (Coach covers the
  upper back too). The article "How to Treat Back Spasms" adds being sick.
- See a doctor: NHS "Back pain" (see a GP if it does not improve after a few
  weeks, stops daily activities, or you are worried or struggling to cope)
  and NHS "Sciatica" (pain, numbness or tingling down one leg); the
  article "How to Treat Back Spasms" (pain below the knee, numbness, pain
  after an injury).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Tier:
    """A group of red flags that share what to do about them."""

    key: str
    advice: str  # what to do, said first
    signs: tuple[str, ...]
    sources: str  # where the tier comes from (README)
    action: str  # what to do, in a few words ("Emergency care now")
    short: str  # the signs in a few words, for a one-paragraph reminder


EMERGENCY = Tier(
    "emergency",
    "Any of these: get emergency care now. Call 999 in the UK (or your local emergency number), "
    "or go to A&E.",
    (
        "Numbness or tingling around your genitals, buttocks or back passage",
        "New trouble passing urine, or loss of bladder or bowel control",
        "New problems getting an erection, or loss of feeling in your genitals during sex",
        "Pain, tingling, weakness or numbness in both legs",
        "Chest pain",
        "Back pain after a serious fall or accident",
    ),
    'NHS "Back pain" (when to call 999 or go to A&E); NHS "Cauda equina syndrome"; NICE NG59',
    "Emergency care now (999)",
    "numbness around your genitals, buttocks or back passage, new bladder, bowel or sexual trouble, "
    "pain, tingling, weakness or numbness in both legs, chest pain, or pain after a serious fall",
)

URGENT = Tier(
    "urgent",
    "Any of these: get medical advice today. Ask for an urgent GP appointment or go to urgent care "
    "(call 111 in the UK).",
    (
        "Fever with your back pain: a high temperature, or feeling hot and shivery",
        "Losing weight without trying",
        "Pain that is worse at night, or does not ease at all when you rest",
        "A history of cancer",
        "A lump or swelling in your back, or a change in its shape",
        "Pain or blood when you pass urine",
        "A weakened immune system, for example from chemotherapy or medicines after a transplant",
        "Osteoporosis, or taking steroid tablets for a long time",
        "Weakness in one leg, or a foot that drags or slaps down",
        "Pain that is worse when you sneeze, cough or go to the toilet",
        "Pain high in your back, between your shoulder blades, rather than low down",
        "Being sick (vomiting) with the back pain",
    ),
    'NHS "Back pain" (urgent GP appointment or 111); NICE NG59 and the NICE clinical knowledge '
    'summary "Back pain - low"',
    "Medical advice today (111)",
    "fever, weight loss without trying, pain worse at night, cancer in the past, a lump or change in "
    "your back's shape, pain or blood passing urine, a weak immune system, osteoporosis or long-term "
    "steroids, weakness in one leg, pain worse on coughing or sneezing, pain between the shoulder "
    "blades, or being sick",
)

SEE_A_DOCTOR = Tier(
    "doctor",
    "Any of these: see a doctor (your GP) soon, before treating it at home for longer.",
    (
        "Not getting better after a few weeks of looking after it at home",
        "Pain spreading below the knee, into the leg",
        "Numbness or tingling in one leg",
        "Pain that started with an injury",
        "Pain that stops you doing everyday things, or keeps getting worse",
        "You are worried about the pain, or struggling to cope with it",
    ),
    'NHS "Back pain" (see a GP); NHS "Sciatica"; the article "How to Treat Back Spasms"',
    "See a doctor soon",
    "no better after a few weeks, pain below the knee, numbness or tingling in one leg, pain from an "
    "injury, pain that stops everyday things or keeps getting worse, or worry about it",
)

TIERS = (EMERGENCY, URGENT, SEE_A_DOCTOR)

NOT_A_DOCTOR = "Coach is not a doctor and cannot tell what is causing your pain."
CONFIRM = "None of these apply to me"
READ_FIRST = "Read the whole list first: scroll down to its end."


STOP_REASONS = (
    ("pain-worse", "My pain got worse"),
    ("new-symptom", "I have a new symptom"),
    ("just-stopping", "Just stopping"),
)
PAIN_STOP_REASONS = ("pain-worse", "new-symptom")

RED_FLAGS_CONFIRMED_KEY = "red_flags_confirmed_utc"


def in_brief() -> tuple[str, ...]:
    """The tiers in a few words each, one line per tier (the flare-up dialog)."""
    return tuple(f"{tier.action}: {tier.short}." for tier in TIERS)


def as_markdown() -> str:
    """The red flags as README text (the README's section must equal this)."""
    blocks = []
    for tier in TIERS:
        lines = [f"**{tier.advice}**", ""]
        lines += [f"- {sign}" for sign in tier.signs]
        lines += ["", f"From: {tier.sources}."]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"
