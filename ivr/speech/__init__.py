"""Spoken answers to voice menus: a recogniser chooses among a menu's keywords, or says
it is not sure (the IVR then asks for keys). The default engine is pocketsphinx; a site
can plug another by implementing :class:`Recogniser`."""

from ivr.speech.recogniser import Recogniser, Recognition
from ivr.speech.sphinx import PocketsphinxRecogniser
from ivr.speech.wav import WavError, read_wav

__all__ = ["PocketsphinxRecogniser", "Recogniser", "Recognition", "WavError", "read_wav"]
