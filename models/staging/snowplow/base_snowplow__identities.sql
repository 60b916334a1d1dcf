{{ config(enabled=lead_scoring.event_source_enabled('snowplow')) }}
-- An event carrying both domain_userid and user_id identifies the cookie as the user; the first
-- such event per domain_userid wins in stg_raw__identities (macros/snowplow_atomic.sql).
with events as (
    {{ lead_scoring.snowplow_event_rows(source('snowplow', 'events')) }}
)

select
    anonymous_id,
    contact_id,
    occurred_at as identified_at,
    loaded_at,
    cast(null as {{ dbt.type_string() }}) as rejection_reason,
    {{ dbt.concat(["'snowplow.events: '", 'raw_values']) }} as raw_values
from events
where anonymous_id is not null and contact_id is not null and occurred_at is not null
