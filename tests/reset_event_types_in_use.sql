{{ config(severity='warn') }}
{#- A reset event type (scoring_models.reset_event_types) that no attributed event has: most
    likely a typo, so engagement would never restart. A warning, not an error: the type may
    simply not have happened yet. -#}
{%- set problems_sql -%}
select
    reset_types.model_id,
    reset_types.reset_event_type
from {{ ref('int_model_reset_types') }} as reset_types
left join (
    -- an inner join from the reset types: without any, no event is read
    select distinct interactions.event_type
    from {{ ref('stg_raw__interactions') }} as interactions
    inner join {{ ref('int_model_reset_types') }} as wanted
        on interactions.event_type = wanted.reset_event_type
) as seen
    on reset_types.reset_event_type = seen.event_type
where seen.event_type is null
{%- endset -%}
{%- if execute -%}
    {%- for row in run_query(problems_sql).rows -%}
        {%- do exceptions.warn('seeds/scoring_models.csv: model ' ~ row[0] ~ ": reset event type '"
            ~ row[1] ~ "' is not the type of any event, so engagement never resets on it") -%}
    {%- endfor -%}
{%- endif -%}
{{ problems_sql }}
