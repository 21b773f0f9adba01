"""What the caller hears when a menu does not say otherwise, per language."""

from __future__ import annotations

from ivr.actions import Speak

TEXTS = {
    "invalid": {
        "en": "Sorry, that is not a valid choice.",
        "fr": "Désolé, ce choix n'est pas valide.",
    },
    "no_input": {
        "en": "Sorry, I did not get your choice.",
        "fr": "Désolé, je n'ai pas reçu votre choix.",
    },
    "not_understood": {
        "en": "Sorry, I did not understand. Please use the keys of your phone.",
        "fr": "Désolé, je n'ai pas compris. Merci d'utiliser les touches de votre téléphone.",
    },
}


def builtin(key: str, language: str) -> Speak:
    texts = TEXTS[key]
    return Speak(texts.get(language, texts["en"]), language if language in texts else "en")


def all_builtin() -> list[Speak]:
    """Every built-in prompt in every language (made with each menu version's prompts)."""
    return [Speak(text, language) for texts in TEXTS.values() for language, text in texts.items()]
