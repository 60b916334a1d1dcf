-- Per-interest scores: for each tag, the decayed points of the contact's scoring behaviour
-- events that carry it (caps not applied; a tag listed twice on an event counts once).
-- Tag lists repeat across events, so each distinct list is split once into its distinct tags
-- and events join that small table, instead of every event's list being split. An event
-- scoring under several rules of a model is summed to one row first, so event_count is a
-- plain count (a distinct count per group costs far more).
with scored as (
    select
        model_id,
        contact_id,
        event_id,
        tags,
        sum(points) as points
    from {{ ref('int_behavior_scored_events') }}
    where tags is not null
    group by model_id, contact_id, event_id, tags
),

list_tags as (
    select distinct
        tags,
        tag
    from (
        select
            tags,
            {{ lead_scoring.explode_csv_list('tags') }} as tag
        from (select distinct tags from scored) as lists
    ) as exploded
    where tag <> ''
)

select
    scored.model_id,
    scored.contact_id,
    list_tags.tag,
    cast(round(sum(scored.points), 6) as {{ lead_scoring.type_double() }}) as tag_score,
    cast(count(*) as {{ dbt.type_int() }}) as event_count
from scored
inner join list_tags
    on scored.tags = list_tags.tags
inner join {{ ref('stg_raw__contacts') }} as contacts
    on scored.contact_id = contacts.contact_id
group by scored.model_id, scored.contact_id, list_tags.tag
