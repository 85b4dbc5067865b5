"""The live medication session window and its parts."""
