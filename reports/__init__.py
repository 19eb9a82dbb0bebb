"""ACCEC's biannual progress reports: roll-up of accepted updates, frozen versioned snapshots, exports."""
