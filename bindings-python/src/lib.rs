//! The python binding of slaledger does not exist yet. This crate is an empty workspace member so the layout of SPEC §1 is in place; it exports nothing.
