-- The office's issue-date index also carries what a page sorted by another date needs (the
-- other dates, the usual filters, the visibility rule's columns). Dates correlate, so walking
-- the KSeF-date index for an issue-date range passes every newer invoice first; listing.py
-- instead sorts the range's ids from this index alone (an index-only scan), then reads
-- only the page's rows.
DROP INDEX invoices_office_issue_date;
CREATE INDEX invoices_office_issue_date ON invoices (office_id, issue_date, id)
  INCLUDE (ksef_date, sale_date, due_date, company_id, direction, approval, booking, status)
  WHERE office_id IS NOT NULL;
