"""The IVR's core: menus as operator-edited YAML files (model, loader, checks), one
caller's walk through a menu (`session.py`, pure: actions out, results in), the
simulator and the graph of `acd ivr`, and the speech recogniser (`speech/`). The
FastAGI side that runs a menu on a live call is acd/adapters/ivr/."""
