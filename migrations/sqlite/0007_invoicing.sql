-- Issue 10: invoicing. The seller's data and invoicing choices of a workspace; a client's billing
-- details beyond those of the client record; invoices and credit notes (one table, `kind`), their
-- lines, what each line bills (entries, milestones, retainer months, change requests: reserved by
-- a draft, locked by issuing, released by a full credit note that allows re-billing), the
-- gapless counters per workspace, kind and year, the hash chain's head per workspace, payments
-- and the reminders sent.
CREATE TABLE invoice_settings (
    workspace_id BLOB NOT NULL REFERENCES workspaces (id),
    legal_name TEXT NOT NULL,
    address_line TEXT NOT NULL,
    postcode TEXT NOT NULL,
    city TEXT NOT NULL,
    country TEXT NOT NULL,
    siren TEXT NOT NULL,
    registry_city TEXT NOT NULL,
    legal_form TEXT NOT NULL,
    share_capital_minor BIGINT,
    vat_number TEXT,
    franchise BOOLEAN NOT NULL,
    vat_on_debits BOOLEAN NOT NULL,
    default_vat TEXT NOT NULL,
    invoice_prefix TEXT NOT NULL,
    credit_prefix TEXT NOT NULL,
    payment_days INTEGER NOT NULL,
    penalty_rate TEXT NOT NULL,
    reminder_days TEXT NOT NULL,
    iban TEXT,
    grouping TEXT NOT NULL,
    account_sales TEXT NOT NULL,
    account_vat TEXT NOT NULL,
    account_clients TEXT NOT NULL,
    logo TEXT,
    logo_type TEXT,
    updated_at BIGINT NOT NULL,
    version INTEGER NOT NULL,
    PRIMARY KEY (workspace_id)
);
CREATE TABLE client_billing (
    workspace_id BLOB NOT NULL,
    client_id BLOB NOT NULL,
    postcode TEXT NOT NULL,
    city TEXT NOT NULL,
    country TEXT NOT NULL,
    business BOOLEAN NOT NULL,
    delivery_address TEXT,
    show_free_work BOOLEAN NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, client_id),
    FOREIGN KEY (workspace_id, client_id) REFERENCES clients (workspace_id, id)
);
CREATE TABLE invoices (
    workspace_id BLOB NOT NULL,
    id BLOB NOT NULL,
    kind TEXT NOT NULL,
    client_id BLOB NOT NULL,
    currency TEXT NOT NULL,
    language TEXT NOT NULL,
    status TEXT NOT NULL,
    number TEXT,
    year INTEGER,
    seq INTEGER,
    issued_on INTEGER,
    due_on INTEGER,
    period_from INTEGER NOT NULL,
    period_to INTEGER NOT NULL,
    grouping TEXT NOT NULL,
    credited_invoice_id BLOB,
    credit_reason TEXT,
    releases_work BOOLEAN NOT NULL,
    note TEXT NOT NULL,
    net_minor BIGINT NOT NULL,
    vat_minor BIGINT NOT NULL,
    gross_minor BIGINT NOT NULL,
    paid_minor BIGINT NOT NULL,
    credited_minor BIGINT NOT NULL,
    sent_at BIGINT,
    issued_data TEXT,
    content_hash TEXT,
    previous_hash TEXT,
    chain_index BIGINT,
    created_by BLOB NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    version INTEGER NOT NULL,
    PRIMARY KEY (workspace_id, id),
    FOREIGN KEY (workspace_id, client_id) REFERENCES clients (workspace_id, id)
);
CREATE UNIQUE INDEX invoices_number_key ON invoices (workspace_id, kind, number) WHERE number IS NOT NULL;
CREATE INDEX invoices_client ON invoices (workspace_id, client_id, created_at);
CREATE INDEX invoices_issued ON invoices (workspace_id, kind, issued_on);
CREATE INDEX invoices_credited ON invoices (workspace_id, credited_invoice_id) WHERE credited_invoice_id IS NOT NULL;
CREATE TABLE invoice_lines (
    workspace_id BLOB NOT NULL,
    id BLOB NOT NULL,
    invoice_id BLOB NOT NULL,
    position INTEGER NOT NULL,
    kind TEXT NOT NULL,
    project_id BLOB,
    description TEXT NOT NULL,
    detail TEXT NOT NULL,
    quantity TEXT NOT NULL,
    unit TEXT NOT NULL,
    unit_price_minor BIGINT NOT NULL,
    vat TEXT NOT NULL,
    net_minor BIGINT NOT NULL,
    minutes BIGINT NOT NULL,
    free_value_minor BIGINT NOT NULL,
    period_from INTEGER,
    period_to INTEGER,
    PRIMARY KEY (workspace_id, id),
    FOREIGN KEY (workspace_id, invoice_id) REFERENCES invoices (workspace_id, id)
);
CREATE INDEX invoice_lines_invoice ON invoice_lines (workspace_id, invoice_id, position);
CREATE TABLE invoice_items (
    workspace_id BLOB NOT NULL,
    line_id BLOB NOT NULL,
    kind TEXT NOT NULL,
    ref_id BLOB NOT NULL,
    month INTEGER NOT NULL,
    invoice_id BLOB NOT NULL,
    minutes BIGINT NOT NULL,
    amount_minor BIGINT NOT NULL,
    released BOOLEAN NOT NULL,
    PRIMARY KEY (workspace_id, line_id, kind, ref_id, month),
    FOREIGN KEY (workspace_id, line_id) REFERENCES invoice_lines (workspace_id, id)
);
CREATE UNIQUE INDEX invoice_items_billed_once ON invoice_items (workspace_id, kind, ref_id, month) WHERE released = FALSE;
CREATE INDEX invoice_items_invoice ON invoice_items (workspace_id, invoice_id);
CREATE TABLE document_counters (
    workspace_id BLOB NOT NULL,
    kind TEXT NOT NULL,
    year INTEGER NOT NULL,
    last_seq INTEGER NOT NULL,
    PRIMARY KEY (workspace_id, kind, year)
);
CREATE TABLE invoice_chains (
    workspace_id BLOB NOT NULL REFERENCES workspaces (id),
    head TEXT NOT NULL,
    length BIGINT NOT NULL,
    PRIMARY KEY (workspace_id)
);
CREATE TABLE payments (
    workspace_id BLOB NOT NULL,
    id BLOB NOT NULL,
    invoice_id BLOB NOT NULL,
    amount_minor BIGINT NOT NULL,
    currency TEXT NOT NULL,
    paid_on INTEGER NOT NULL,
    method TEXT NOT NULL,
    reference TEXT NOT NULL,
    created_by BLOB NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, id),
    FOREIGN KEY (workspace_id, invoice_id) REFERENCES invoices (workspace_id, id)
);
CREATE INDEX payments_invoice ON payments (workspace_id, invoice_id, paid_on);
CREATE TABLE invoice_reminders (
    workspace_id BLOB NOT NULL,
    invoice_id BLOB NOT NULL,
    step INTEGER NOT NULL,
    sent_at BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, invoice_id, step)
);
