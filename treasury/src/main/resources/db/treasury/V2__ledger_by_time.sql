-- an agent's tick reads the ledger entries booked since its last tick
CREATE INDEX ledger_wallet_time ON ledger_entries (wallet, created_at);
