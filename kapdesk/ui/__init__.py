"""The Qt layer: views lay out widgets, thin controllers call domain and storage."""
