-- The newest events of each contact up to the scoring time: event rows are not published
-- otherwise, and the dashboard's lead page lists them. Only the last
-- var('recent_events_per_contact') per contact are kept, so the table stays small.
with scoring_time as (
    select {{ lead_scoring.as_of() }} as as_of_at
),

ranked as (
    select
        events.contact_id,
        events.event_id,
        events.event_type,
        events.occurred_at,
        events.channel,
        events.campaign_id,
        events.url,
        cast(row_number() over (
            partition by events.contact_id
            order by events.occurred_at desc, events.event_id desc
        ) as {{ dbt.type_int() }}) as event_rank
    from {{ ref('stg_raw__interactions') }} as events
    cross join scoring_time
    where
        events.contact_id is not null
        and events.occurred_at <= scoring_time.as_of_at
)

select
    contact_id,
    event_id,
    event_type,
    occurred_at,
    channel,
    campaign_id,
    url,
    event_rank
from ranked
where event_rank <= {{ var('recent_events_per_contact') }}
