-- A silo process's incarnation: two live processes under one silo id would share its leases and pass every
-- fence, so a heartbeat from another incarnation is refused while the row's lease is live.
ALTER TABLE reev_silos ADD COLUMN incarnation uuid NULL;
