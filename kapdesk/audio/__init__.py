"""Music for the session: the library, the audio backends and the playback controller.
No Qt here; the window drives the controller from a timer."""
