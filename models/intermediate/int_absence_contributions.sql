-- Points for what did not happen (contract 3, absence_rules), as of the scoring time, for
-- known contacts.
with scoring_time as (
    select {{ lead_scoring.as_of() }} as as_of_at
),

rules as (
    select * from {{ ref('int_active_absence_rules') }}
),

watched_types as (
    -- event types the rules read; a '*' rule watches every type there is
    select event_type from rules
    where event_type <> '*'
    union
    select response_event_type as event_type from rules
    union
    select distinct interactions.event_type from {{ ref('stg_raw__interactions') }} as interactions
    where
        exists (
            select 1 from rules
            where rules.event_type = '*'
        )
),

contacts as (
    select
        contacts.contact_id,
        contacts.created_at
    from {{ ref('stg_raw__contacts') }} as contacts
),

model_contacts as (
    -- recycling: a contact counts as created at its latest reset, and only later events count
    select
        rules.model_id,
        contacts.contact_id,
        resets.engagement_reset_at,
        {{ lead_scoring.age_days(
            'case when resets.engagement_reset_at > contacts.created_at then resets.engagement_reset_at else contacts.created_at end',
            'scoring_time.as_of_at') }} as age_days
    from (select distinct model_id from rules) as rules
    cross join contacts
    cross join scoring_time
    left join {{ ref('int_engagement_resets') }} as resets
        on
            rules.model_id = resets.model_id
            and contacts.contact_id = resets.contact_id
),

events as (
    -- only events of watched types are read (no absence rule: none); joining the watched
    -- types lets the engine skip the event scan when there are none
    select
        interactions.*,
        {{ lead_scoring.age_days('interactions.occurred_at', 'scoring_time.as_of_at') }} as age_days
    from {{ ref('stg_raw__interactions') }} as interactions
    inner join watched_types
        on interactions.event_type = watched_types.event_type
    cross join scoring_time
    where
        interactions.contact_id is not null
        and interactions.occurred_at <= scoring_time.as_of_at
),

no_activity as (
    select
        rules.model_id,
        contacts.contact_id,
        rules.rule_id,
        rules.points,
        1 as event_count
    from rules
    inner join model_contacts as contacts
        on
            rules.model_id = contacts.model_id
            and rules.within_days <= contacts.age_days
    where
        rules.rule_kind = 'no_activity'
        and not exists (
            select 1 from events
            where
                events.contact_id = contacts.contact_id
                and (rules.event_type = '*' or events.event_type = rules.event_type)
                and events.age_days < rules.within_days
        )
),

unanswered as (
    -- each event left without a response within the window, once its deadline has passed
    select
        rules.model_id,
        sent.contact_id,
        rules.rule_id,
        rules.points * case
            when rules.decay_half_life_days is null then 1.0
            else power(0.5, (sent.age_days - rules.within_days) / rules.decay_half_life_days)
        end as points
    from rules
    inner join events as sent
        on rules.event_type = sent.event_type
    left join {{ ref('int_engagement_resets') }} as resets
        on
            rules.model_id = resets.model_id
            and sent.contact_id = resets.contact_id
    where
        rules.rule_kind = 'no_response'
        and (resets.engagement_reset_at is null or sent.occurred_at > resets.engagement_reset_at)
        and sent.age_days >= rules.within_days
        and not exists (
            select 1 from events as response
            where
                response.contact_id = sent.contact_id
                and response.event_type = rules.response_event_type
                and response.occurred_at >= sent.occurred_at
                and {{ lead_scoring.age_days('sent.occurred_at', 'response.occurred_at') }} <= rules.within_days
                and (
                    rules.match_field is null
                    or {{ lead_scoring.event_field_value('response', 'rules.match_field') }}
                    = {{ lead_scoring.event_field_value('sent', 'rules.match_field') }}
                )
        )
),

no_response as (
    select
        unanswered.model_id,
        unanswered.contact_id,
        unanswered.rule_id,
        {{ lead_scoring.clip_points('sum(unanswered.points)', 'rules.max_points') }} as points,
        count(*) as event_count
    from unanswered
    inner join rules
        on unanswered.model_id = rules.model_id and unanswered.rule_id = rules.rule_id
    -- known contacts only: events may name a contact that raw.contacts lacks
    inner join contacts
        on unanswered.contact_id = contacts.contact_id
    group by unanswered.model_id, unanswered.contact_id, unanswered.rule_id, rules.max_points
),

fired as (
    -- both CTEs list model_id, contact_id, rule_id, points, event_count
    select * from no_activity
    union all
    select * from no_response
)

select
    model_id,
    contact_id,
    rule_id,
    'absence' as rule_kind,
    points,
    event_count
from fired
