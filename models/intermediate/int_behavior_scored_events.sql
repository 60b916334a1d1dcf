-- Events that score under a behaviour rule as of the scoring time, with decayed points.
-- Occurrence numbers come from int_condition_events (all history); only the window,
-- decay and as_of cut-off are applied here, because they move with as_of. A model with
-- reset_event_types counts only events after the contact's latest reset (recycling).
with scoring_time as (
    select {{ lead_scoring.as_of() }} as as_of_at
),

rules as (
    select
        model_id,
        rule_id,
        condition_id,
        points,
        lookback_days,
        occurrence_from,
        occurrence_to,
        within_days_of_previous,
        decay_half_life_days
    from {{ ref('int_active_behavior_rules') }}
),

events as (
    select
        matched.condition_id,
        matched.contact_id,
        matched.event_id,
        matched.occurred_at,
        matched.tags,
        matched.occurrence_number,
        matched.previous_occurred_at,
        {{ lead_scoring.age_days('matched.occurred_at', 'scoring_time.as_of_at') }} as age_days
    from {{ ref('int_condition_events') }} as matched
    cross join scoring_time
    where
        not matched.is_tombstone
        and matched.occurred_at <= scoring_time.as_of_at
)

select
    rules.model_id,
    rules.rule_id,
    events.contact_id,
    events.event_id,
    events.occurred_at,
    events.tags,
    rules.points * case
        when rules.decay_half_life_days is null then 1.0
        else power(0.5, events.age_days / rules.decay_half_life_days)
    end as points
from events
inner join rules
    on events.condition_id = rules.condition_id
left join {{ ref('int_engagement_resets') }} as resets
    on
        rules.model_id = resets.model_id
        and events.contact_id = resets.contact_id
where
    (resets.engagement_reset_at is null or events.occurred_at > resets.engagement_reset_at)
    and
    (rules.occurrence_from is null or events.occurrence_number >= rules.occurrence_from)
    and (rules.occurrence_to is null or events.occurrence_number <= rules.occurrence_to)
    and (
        rules.within_days_of_previous is null
        or (
            events.previous_occurred_at is not null
            and {{ lead_scoring.age_days('events.previous_occurred_at', 'events.occurred_at') }}
            <= rules.within_days_of_previous
        )
    )
    and (rules.lookback_days is null or events.age_days < rules.lookback_days)
