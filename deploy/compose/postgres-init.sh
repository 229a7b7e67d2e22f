#!/bin/sh
# Run once by the postgres image on an empty data directory: one login role and one database
# per service, the role owning only its own database. No role may connect to another
# service's database (nor to the maintenance database), and none is a superuser or may create
# roles or databases.
set -eu
: "${SERVICE_DATABASES:?SERVICE_DATABASES is not set}"
: "${SERVICE_DB_PASSWORD:?SERVICE_DB_PASSWORD is not set}"

for name in $SERVICE_DATABASES; do
  psql --set ON_ERROR_STOP=1 --no-psqlrc --quiet --username "$POSTGRES_USER" --dbname postgres \
    --set name="$name" --set password="$SERVICE_DB_PASSWORD" <<'SQL'
CREATE ROLE :"name" LOGIN PASSWORD :'password'
  NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
CREATE DATABASE :"name" OWNER :"name";
REVOKE ALL ON DATABASE :"name" FROM PUBLIC;
\connect :"name"
REVOKE ALL ON SCHEMA public FROM PUBLIC;
SQL
  echo "database and role $name created"
done
psql --set ON_ERROR_STOP=1 --no-psqlrc --quiet --username "$POSTGRES_USER" --dbname postgres \
  --command 'REVOKE CONNECT ON DATABASE postgres FROM PUBLIC'
