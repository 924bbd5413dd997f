//! State machine tests, driven through `WebChat::handle` as the glue would.
