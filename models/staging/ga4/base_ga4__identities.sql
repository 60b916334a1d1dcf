{{ config(enabled=lead_scoring.event_source_enabled('ga4')) }}
-- An event carrying both user_pseudo_id and user_id identifies the device as the user; the first
-- such event per user_pseudo_id wins in stg_raw__identities (macros/ga4_export.sql).
with events as (
    {{ lead_scoring.ga4_events(source('ga4', 'events')) }}
)

select
    anonymous_id,
    contact_id,
    occurred_at as identified_at,
    loaded_at,
    cast(null as {{ dbt.type_string() }}) as rejection_reason,
    {{ dbt.concat(["'ga4.'", 'collector_table', "': '", 'raw_values']) }} as raw_values
from events
where anonymous_id is not null and contact_id is not null and occurred_at is not null and loaded_at is not null
