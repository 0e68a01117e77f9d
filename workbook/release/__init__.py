"""The instructor's release tools: stubs, student notebooks, the guarded writer, the audit, translation, the kit."""
