-- Per-interest scores: for each tag, the decayed points of the contact's scoring behaviour
-- events that carry it (caps not applied; a tag listed twice on an event counts once).
with event_tags as (
    select distinct
        model_id,
        contact_id,
        rule_id,
        event_id,
        points,
        tag
    from (
        select
            model_id,
            contact_id,
            rule_id,
            event_id,
            points,
            {{ lead_scoring.explode_csv_list('tags') }} as tag
        from {{ ref('int_behavior_scored_events') }}
        where tags is not null
    ) as exploded
    where tag <> ''
)

select
    event_tags.model_id,
    event_tags.contact_id,
    event_tags.tag,
    cast(round(sum(event_tags.points), 6) as {{ lead_scoring.type_double() }}) as tag_score,
    cast(count(distinct event_tags.event_id) as {{ dbt.type_int() }}) as event_count
from event_tags
inner join {{ ref('stg_raw__contacts') }} as contacts
    on event_tags.contact_id = contacts.contact_id
group by event_tags.model_id, event_tags.contact_id, event_tags.tag
