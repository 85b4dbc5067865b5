"""What leaves the laptop: prescriber summaries and client records. No Qt here.

Process notes (psychotherapy notes) never enter a prescriber summary.
"""
