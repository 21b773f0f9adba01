"""IVR menus from operator-edited config files (pure session core plus FastAGI adapter)."""
