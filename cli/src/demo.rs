//! `slaledger demo`: the report and the credit statement of November 2026 for the two
//! example customers, from the files in `examples/` compiled into the binary.

use std::io::Write;

use slaledger::{Contract, Ledger, Mode, Period};

use crate::output;
use crate::Failure;

/// The example customers: (directory under examples/, contract, events of November 2026).
pub const CUSTOMERS: [(&str, &str, &str); 2] = [
    (
        "northwind",
        include_str!("../../examples/northwind/contract.toml"),
        include_str!("../../examples/northwind/events-2026-11.jsonl"),
    ),
    (
        "rheinwerk",
        include_str!("../../examples/rheinwerk/contract.toml"),
        include_str!("../../examples/rheinwerk/events-2026-11.jsonl"),
    ),
];

pub fn run(out: &mut impl Write) -> Result<(), Failure> {
    let mut ledger = Ledger::new(Mode::Strict);
    for (dir, contract, _) in CUSTOMERS {
        let contract = Contract::from_toml(contract)
            .map_err(|e| e.context(format_args!("examples/{dir}/contract.toml")))?;
        ledger.add_contract(contract)?;
    }
    for (dir, _, events) in CUSTOMERS {
        ledger
            .ingest_jsonl(events.as_bytes())
            .map_err(|e| e.context(format_args!("examples/{dir}/events-2026-11.jsonl")))?;
    }
    let io = crate::io_error;
    writeln!(
        out,
        "slaledger demo: November 2026 for two customers of an MSP, replayed from the\n\
         example logs bundled in the binary (examples/*/contract.toml and\n\
         examples/*/events-2026-11.jsonl). The same with files:\n\
         \n  slaledger report  examples/*/events-2026-11.jsonl -c examples/northwind/contract.toml \\\n\
         \x20     -c examples/rheinwerk/contract.toml --period 2026-11   (and `credits`)\n"
    )
    .map_err(io)?;
    for (dir, _, _) in CUSTOMERS {
        let contract = ledger.contract(dir)?;
        let period = Period::parse_month("2026-11", contract.timezone())?;
        let report = ledger.report(dir, period, None)?;
        let statement = ledger.credits(dir, period, None)?;
        let customer = contract.spec().customer.clone().unwrap_or_default();
        writeln!(
            out,
            "=== {customer} (contract {dir}, {}) ===\n",
            contract.timezone()
        )
        .map_err(io)?;
        output::print_reports(out, std::slice::from_ref(&report)).map_err(io)?;
        output::print_statements(out, std::slice::from_ref(&statement)).map_err(io)?;
    }
    writeln!(
        out,
        "Why a number is what it is: slaledger explain INC0048103 examples/northwind/events-2026-11.jsonl \\\n\
         \x20   -c examples/northwind/contract.toml"
    )
    .map_err(io)?;
    Ok(())
}
