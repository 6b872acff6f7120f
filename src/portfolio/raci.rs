//! RACI assignments of people to processes.
