"""What callers hear in the callback offer, in each language; spoken by espeak-ng and
made into sound files when the sandbox (or a deployment) starts. Pure data."""

from __future__ import annotations

PROMPTS: dict[str, dict[str, str]] = {
    "offer": {
        "en": "To be called back without losing your place in the queue, press 1. "
        "To keep waiting, press 2.",
        "fr": "Pour être rappelé sans perdre votre place dans la file, tapez 1. "
        "Pour continuer à patienter, tapez 2.",
    },
    "confirm": {
        "en": "We will call you back on the number you are calling from. To confirm, "
        "press 1. Or type another number, then the hash key.",
        "fr": "Nous vous rappellerons au numéro depuis lequel vous appelez. Pour confirmer, "
        "tapez 1. Ou tapez un autre numéro, suivi de la touche dièse.",
    },
    "invalid": {
        "en": "This is not a valid phone number.",
        "fr": "Ce numéro n'est pas valide.",
    },
    "do_not_call": {
        "en": "We cannot call this number back: it is on a do-not-call list. "
        "You keep your place in the queue.",
        "fr": "Nous ne pouvons pas rappeler ce numéro : il est inscrit sur une liste "
        "d'opposition. Vous gardez votre place dans la file.",
    },
    "destination": {
        "en": "We cannot call this number back. You keep your place in the queue.",
        "fr": "Nous ne pouvons pas rappeler ce numéro. Vous gardez votre place dans la file.",
    },
    "hours": {
        "en": "We cannot call back at this time of day. You keep your place in the queue.",
        "fr": "Nous ne pouvons pas rappeler à cette heure-ci. Vous gardez votre place "
        "dans la file.",
    },
    "booked": {
        "en": "Thank you. We will call you back when an adviser is free, in your turn. Goodbye.",
        "fr": "Merci. Nous vous rappellerons dès qu'un conseiller sera libre, à votre tour. "
        "Au revoir.",
    },
    "merged": {
        "en": "A callback to this number is already booked: it keeps its place. Goodbye.",
        "fr": "Un rappel est déjà prévu vers ce numéro : il garde sa place. Au revoir.",
    },
    "agent_whisper": {
        "en": "Callback. The customer is being called.",
        "fr": "Rappel. Le client est en cours d'appel.",
    },
}


def text(key: str, language: str) -> str:
    """The prompt in ``language``, or in English when it has no such translation."""
    texts = PROMPTS[key]
    return texts.get(language, texts["en"])
