"""Prompts: text spoken by espeak-ng into files Asterisk plays (8 kHz mono WAV), cached
by content hash so a changed text gets a new file and an unchanged one is never redone."""

from acd.adapters.prompts.tts import PromptError, prompt_name, synthesize

__all__ = ["PromptError", "prompt_name", "synthesize"]
