{#- Fingerprint of a behaviour condition: rules with the same condition share matched events. -#}
{% macro condition_id(event_type, field, operator, value_text, value_pattern) -%}
    {{ dbt.hash(dbt.concat([
        "coalesce(" ~ event_type ~ ", '')", "'|'",
        "coalesce(" ~ field ~ ", '')", "'|'",
        "case when " ~ field ~ " is null then '' else coalesce(" ~ operator ~ ", '') end", "'|'",
        "case when " ~ field ~ " is null then '' else coalesce(" ~ value_text ~ ", '') end", "'|'",
        "case when " ~ field ~ " is null then '' else coalesce(" ~ value_pattern ~ ", '') end"
    ])) }}
{%- endmacro %}

{#- The normalized text of an event field named by a rule (url, source, ..., properties.<key>). -#}
{% macro event_field_value(e, field) -%}
    case {{ field }}
        when 'url' then {{ lead_scoring.normalized_text(e ~ '.url') }}
        when 'source' then {{ e }}.source
        when 'channel' then {{ e }}.channel
        when 'campaign_id' then {{ lead_scoring.normalized_text(e ~ '.campaign_id') }}
        when 'email_id' then {{ lead_scoring.normalized_text(e ~ '.email_id') }}
        when 'duration_seconds' then {{ lead_scoring.number_text(e ~ '.duration_seconds') }}
        when 'amount' then {{ lead_scoring.number_text(e ~ '.amount') }}
        when 'event_type' then {{ e }}.event_type
        else {{ lead_scoring.normalized_text(lead_scoring.json_text(e ~ '.properties', 'substring(' ~ field ~ ', 12)')) }}
    end
{%- endmacro %}

{#- (condition_id, event) pairs where an event satisfies a condition.
    events: a relation/CTE of stg_raw__interactions rows; conditions: int_behavior_conditions rows.
    Tags are a list: positive operators hold when any tag satisfies them; not_equals and
    not_in hold when the event has tags and none equals / is in the value. -#}
{% macro match_conditions(events, conditions) -%}
    select
        c.condition_id,
        e.contact_id,
        e.event_id,
        e.occurred_at,
        e.tags
    from {{ events }} as e
    inner join {{ conditions }} as c
        on e.event_type = c.event_type
    where
        c.field is null
        or (
            c.field <> 'tags'
            and {{ lead_scoring.rule_condition(lead_scoring.event_field_value('e', 'c.field'), 'c') }}
        )
        or (c.field = 'tags' and c.operator = 'is_null' and e.tags is null)
        or (c.field = 'tags' and c.operator = 'is_not_null' and e.tags is not null)

    union all

    select
        hits.condition_id,
        hits.contact_id,
        hits.event_id,
        hits.occurred_at,
        hits.tags
    from (
        select
            tag_rows.event_id,
            tag_rows.contact_id,
            tag_rows.occurred_at,
            tag_rows.tags,
            c.condition_id,
            c.is_negated,
            max(case when {{ lead_scoring.rule_condition('tag_rows.tag', 'c') }} then 1 else 0 end) as any_tag_hit
        from (
            select
                e.event_id,
                e.contact_id,
                e.event_type,
                e.occurred_at,
                e.tags,
                {{ lead_scoring.explode_csv_list('e.tags') }} as tag
            from {{ events }} as e
            where
                e.tags is not null
                -- split only events some tag condition can match (often none at all)
                and e.event_type in (
                    select tag_conditions.event_type from {{ conditions }} as tag_conditions
                    where tag_conditions.field = 'tags'
                )
        ) as tag_rows
        inner join (
            select
                condition_id,
                event_type,
                operator in ('not_equals', 'not_in') as is_negated,
                case operator when 'not_equals' then 'equals' when 'not_in' then 'in' else operator end as operator,
                value_text,
                value_list,
                value_number,
                value_low,
                value_high,
                value_pattern
            from {{ conditions }}
            where field = 'tags' and operator not in ('is_null', 'is_not_null')
        ) as c
            on tag_rows.event_type = c.event_type
        group by
            tag_rows.event_id, tag_rows.contact_id, tag_rows.occurred_at, tag_rows.tags,
            c.condition_id, c.is_negated
    ) as hits
    where (hits.any_tag_hit = 1) <> hits.is_negated
{%- endmacro %}
