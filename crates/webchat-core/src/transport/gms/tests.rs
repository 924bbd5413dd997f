//! GMS v2 codec tests: exact form fields and envelope parsing.
