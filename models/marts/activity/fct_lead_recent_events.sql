-- The newest events of each contact up to the scoring time: event rows are not published
-- otherwise, and the dashboard's lead page lists them. Only the last
-- var('recent_events_per_contact') per contact are kept, so the list stays small.
-- A view: int_contact_recent_events holds each contact's newest events (up to twice that many:
-- it appends new events and cuts a list back only when it grows past that); ranks are
-- computed here, since a stored rank would rewrite every touched contact's list (the read copy
-- gets a table).
{{ config(materialized='view') }}

{%- set kept = lead_scoring.setting('recent_events_per_contact') | int %}

select ranked.*
from (
    select
        contact_id,
        event_id,
        event_type,
        occurred_at,
        channel,
        campaign_id,
        url,
        cast(row_number() over (
            partition by contact_id
            order by occurred_at desc, event_id desc
        ) as {{ dbt.type_int() }}) as event_rank
    from {{ ref('int_contact_recent_events') }}
) as ranked
{#- the table keeps at least one event per contact (a contact's latest activity) #}
where ranked.event_rank <= {{ kept }}
