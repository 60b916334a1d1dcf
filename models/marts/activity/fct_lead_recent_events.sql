-- The newest events of each contact up to the scoring time: event rows are not published
-- otherwise, and the dashboard's lead page lists them. Only the last
-- var('recent_events_per_contact') per contact are kept, so the list stays small.
-- A view: int_contact_recent_events already holds the list, written per changed contact; a
-- table would rewrite every contact's list on every run (the read copy still gets a table).
{{ config(materialized='view') }}

select
    contact_id,
    event_id,
    event_type,
    occurred_at,
    channel,
    campaign_id,
    url,
    event_rank
from {{ ref('int_contact_recent_events') }}
where event_rank <= {{ lead_scoring.setting('recent_events_per_contact') | int }}
