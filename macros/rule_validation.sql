{#- Validation of the rule seeds. Each query returns (rule_id, problem) rows; the generic test
    valid_rule_seed fails the build with all of them before any score is published. -#}

{% macro regex_is_valid(pattern) -%}
    {{ return(adapter.dispatch('regex_is_valid', 'lead_scoring')(pattern)) }}
{%- endmacro %}
{% macro default__regex_is_valid(pattern) -%}
    true
{%- endmacro %}
{% macro duckdb__regex_is_valid(pattern) -%}
    (try(regexp_matches('', {{ pattern }})) is not null)
{%- endmacro %}
{#- Spark has no way to catch a bad pattern in SQL: it fails the first model that applies it. -#}
{% macro spark__regex_is_valid(pattern) -%}
    true
{%- endmacro %}

{% macro operator_problems(operator, value) -%}
    {%- set op = lead_scoring.normalized_text(operator) -%}
    {%- set text = lead_scoring.normalized_text(value) -%}
    {%- set parts = dbt.length(text) ~ ' - ' ~ dbt.length(dbt.replace(text, "'|'", "''")) -%}
    when {{ op }} not in ('equals', 'not_equals', 'in', 'not_in', 'contains', 'starts_with',
        'ends_with', 'matches', 'gt', 'gte', 'lt', 'lte', 'between', 'is_null', 'is_not_null')
        then {{ dbt.concat(["'unknown operator '''", "coalesce(" ~ operator ~ ", '')", "''''"]) }}
    when {{ op }} not in ('is_null', 'is_not_null') and {{ text }} is null
        then {{ dbt.concat(["'operator '''", op, "''' needs a value'"]) }}
    when {{ op }} in ('gt', 'gte', 'lt', 'lte') and {{ lead_scoring.try_cast(text, lead_scoring.type_double()) }} is null
        then {{ dbt.concat(["'operator '''", op, "''' needs a number, got '''", value, "''''"]) }}
    when {{ op }} = 'between' and (
        {{ parts }} <> 1
        or {{ lead_scoring.try_cast('trim(' ~ dbt.split_part(text, "'|'", 1) ~ ')', lead_scoring.type_double()) }} is null
        or {{ lead_scoring.try_cast('trim(' ~ dbt.split_part(text, "'|'", 2) ~ ')', lead_scoring.type_double()) }} is null)
        then {{ dbt.concat(["'between needs ''low|high'' with two numbers, got '''", value, "''''"]) }}
    when {{ op }} = 'between'
        and {{ lead_scoring.try_cast('trim(' ~ dbt.split_part(text, "'|'", 1) ~ ')', lead_scoring.type_double()) }}
        > {{ lead_scoring.try_cast('trim(' ~ dbt.split_part(text, "'|'", 2) ~ ')', lead_scoring.type_double()) }}
        then {{ dbt.concat(["'between low is above high: '''", value, "''''"]) }}
    when {{ op }} = 'matches' and not {{ lead_scoring.regex_is_valid(dbt.concat(["'(?i)'", "trim(" ~ value ~ ")"])) }}
        then {{ dbt.concat(["'invalid regular expression '''", value, "''''"]) }}
{%- endmacro %}

{#- Rule ids used by more than one row of a model, across the three rule seeds. -#}
{% macro duplicate_rule_problems(seed_name) -%}
    select rows.rule_id, 'duplicate rule_id ' || rows.rule_id || ' in model ' || rows.model_id
        || ' (' || cast(counts.n as {{ dbt.type_string() }}) || ' rows across the rule seeds)' as problem
    from (
        select trim(model_id) as model_id, trim(rule_id) as rule_id from {{ lead_scoring.rule_seed(seed_name) }}
    ) as rows
    inner join (
        select model_id, rule_id, count(*) as n from (
            {%- for seed in ['attribute_rules', 'behavior_rules', 'absence_rules'] %}
            select trim(model_id) as model_id, trim(rule_id) as rule_id from {{ lead_scoring.rule_seed(seed) }}
            {{ 'union all' if not loop.last }}
            {%- endfor %}
        ) as all_rules
        group by model_id, rule_id
        having count(*) > 1
    ) as counts
        on rows.model_id = counts.model_id and rows.rule_id = counts.rule_id
{%- endmacro %}

{% macro unknown_model_problems(seed_name, id_column='rule_id') -%}
    select {{ id_column }} as rule_id,
        'unknown model_id ''' || coalesce(model_id, '') || ''' (not in scoring_models.csv)' as problem
    from {{ lead_scoring.rule_seed(seed_name) }}
    where trim(coalesce(model_id, '')) not in (select trim(model_id) from {{ lead_scoring.rule_seed('scoring_models') }} where model_id is not null)
{%- endmacro %}

{% macro rule_seed_problems(seed_name) -%}
    {%- set seed = lead_scoring.rule_seed(seed_name) -%}
    {%- if seed_name == 'scoring_models' -%}
        select model_id as rule_id, problem from (
            select model_id, case
                when nullif(trim(model_id), '') is null then 'blank model_id'
                when decay_half_life_days <= 0 then 'decay_half_life_days must be above 0'
                when score_floor > score_cap then 'score_floor is above score_cap'
                when is_active is null then 'is_active must be true or false'
            end as problem
            from {{ seed }}
        ) as checks where problem is not null
        union all
        select model_id, 'duplicate model_id ' || model_id from {{ seed }}
        group by model_id having count(*) > 1
        union all
        select models.model_id, 'model ' || models.model_id || ' has no bands in score_bands.csv'
        from {{ seed }} as models
        where models.is_active and trim(models.model_id) not in (
            select trim(model_id) from {{ lead_scoring.rule_seed('score_bands') }} where model_id is not null)
    {%- elif seed_name == 'routing_rules' -%}
        select rule_id, problem from (
            select coalesce(model_id, '') || ':' || coalesce({{ lead_scoring.as_text('priority') }}, '') as rule_id, case
                when priority is null then 'priority is required'
                when nullif(trim(owner_id), '') is null then 'owner_id is required'
                when is_active is null then 'is_active must be true or false'
                when nullif(trim(attribute), '') is not null and nullif(trim(operator), '') is null
                    then 'attribute given without an operator'
                when nullif(trim(attribute), '') is not null then case
                    {{ lead_scoring.operator_problems('operator', 'value') }}
                end
            end as problem
            from {{ seed }}
        ) as checks where problem is not null
        union all
        select model_id || ':' || {{ lead_scoring.as_text('priority') }},
            'duplicate priority ' || {{ lead_scoring.as_text('priority') }} || ' in model ' || model_id
        from {{ seed }} group by model_id, priority having count(*) > 1
        union all
        {{ lead_scoring.unknown_model_problems(seed_name, "coalesce(model_id, '') || ':' || coalesce(" ~ lead_scoring.as_text('priority') ~ ", '')") }}
    {%- elif seed_name == 'score_bands' -%}
        select rule_id, problem from (
            select model_id || '/' || coalesce(band, '') as rule_id, case
                when nullif(trim(band), '') is null then 'blank band name'
                when min_score is null then 'min_score is required'
            end as problem
            from {{ seed }}
        ) as checks where problem is not null
        union all
        select model_id || '/' || band, 'duplicate band ' || band || ' in model ' || model_id
        from {{ seed }} group by model_id, band having count(*) > 1
        union all
        {{ lead_scoring.unknown_model_problems(seed_name, "model_id || '/' || coalesce(band, '')") }}
    {%- else -%}
        select rule_id, problem from (
            select coalesce(rule_id, '(blank rule_id)') as rule_id, case
                when nullif(trim(rule_id), '') is null then 'blank rule_id'
                when points is null then 'points is required'
                when is_active is null then 'is_active must be true or false'
            {%- if seed_name == 'attribute_rules' %}
                when nullif(trim(attribute), '') is null then 'blank attribute'
                {{ lead_scoring.operator_problems('operator', 'value') }}
            {%- elif seed_name == 'behavior_rules' %}
                when nullif(trim(event_type), '') is null then 'blank event_type'
                when nullif(trim(field), '') is null and nullif(trim(operator), '') is not null
                    then 'operator given without a field'
                when nullif(trim(field), '') is not null and nullif(trim(operator), '') is null
                    then 'field given without an operator'
                when nullif(trim(field), '') is not null
                    and lower(trim(field)) not in ('url', 'source', 'channel', 'campaign_id', 'email_id',
                        'duration_seconds', 'amount', 'tags')
                    and (lower(trim(field)) not like 'properties.%' or length(trim(field)) < 12)
                    then 'unknown field ''' || field || ''''
                {{ lead_scoring.operator_problems('operator', 'value') | replace('when ', 'when nullif(trim(field), \'\') is not null and ') }}
                when lookback_days < 0 then 'negative lookback_days'
                when within_days_of_previous < 0 then 'negative within_days_of_previous'
                when occurrence_from < 1 then 'occurrence_from must be 1 or more'
                when occurrence_to < 1 then 'occurrence_to must be 1 or more'
                when occurrence_from > occurrence_to then 'occurrence_from is greater than occurrence_to'
            {%- elif seed_name == 'absence_rules' %}
                when lower(trim(coalesce(rule_kind, ''))) not in ('no_activity', 'no_response')
                    then 'unknown rule_kind ''' || coalesce(rule_kind, '') || ''' (no_activity or no_response)'
                when nullif(trim(event_type), '') is null then 'blank event_type'
                when within_days is null then 'within_days is required'
                when within_days < 0 then 'negative within_days'
                when lower(trim(rule_kind)) = 'no_response' and nullif(trim(response_event_type), '') is null
                    then 'no_response needs a response_event_type'
                when nullif(trim(match_field), '') is not null
                    and lower(trim(match_field)) not in ('url', 'source', 'channel', 'campaign_id', 'email_id',
                        'duration_seconds', 'amount')
                    and (lower(trim(match_field)) not like 'properties.%' or length(trim(match_field)) < 12)
                    then 'unknown match_field ''' || match_field || ''''
            {%- endif %}
            end as problem
            from {{ seed }}
        ) as checks where problem is not null
        union all
        {{ lead_scoring.duplicate_rule_problems(seed_name) }}
        union all
        {{ lead_scoring.unknown_model_problems(seed_name) }}
    {%- endif -%}
{%- endmacro %}
