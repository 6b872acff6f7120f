//! Processes: the built-in catalogue (see `catalogue`) and the organization's own.
