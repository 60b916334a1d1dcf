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

{#- Rules naming a group_id that rule_groups.csv does not define for their model. -#}
{% macro unknown_group_problems(seed_name) -%}
    {%- set group_id = lead_scoring.optional_column(
        lead_scoring.rule_seed(seed_name), 'group_id', dbt.type_string(), 'rules') -%}
    select rule_id, 'unknown group_id ''' || trim({{ group_id }}) || ''' (not in rule_groups.csv for model '
        || coalesce(trim(model_id), '') || ')' as problem
    from {{ lead_scoring.rule_seed(seed_name) }} as rules
    where
        nullif(trim({{ group_id }}), '') is not null
        and not exists (
            select 1 from {{ lead_scoring.rule_seed('rule_groups') }} as rule_groups
            where
                trim(rule_groups.model_id) = trim(rules.model_id)
                and trim(rule_groups.group_id) = trim({{ group_id }})
        )
{%- endmacro %}

{#- (model_id, group_id, rule_id, score part) of every rule seed row that names a group. -#}
{% macro grouped_rules() -%}
    {%- for seed in ['attribute_rules', 'behavior_rules', 'absence_rules'] %}
    {%- set group_id = lead_scoring.optional_column(lead_scoring.rule_seed(seed), 'group_id', dbt.type_string()) %}
    select
        trim(model_id) as model_id,
        trim({{ group_id }}) as group_id,
        trim(rule_id) as rule_id,
        {{ "'fit'" if seed == 'attribute_rules' else "'engagement'" }} as score_part
    from {{ lead_scoring.rule_seed(seed) }}
    where nullif(trim({{ group_id }}), '') is not null
    {{ 'union all' if not loop.last }}
    {%- endfor %}
{%- endmacro %}

{#- Grade or tier seeds: (model_id, name, threshold) rows chosen like bands. -#}
{% macro threshold_seed_problems(seed_name, name_column, threshold_column) -%}
    {%- set seed = lead_scoring.rule_seed(seed_name) -%}
    {%- set row_id = "coalesce(model_id, '') || '/' || coalesce(" ~ name_column ~ ", '')" -%}
    select rule_id, problem from (
        select {{ row_id }} as rule_id, case
            when nullif(trim({{ name_column }}), '') is null then 'blank {{ name_column }}'
            when {{ threshold_column }} is null then '{{ threshold_column }} is required'
        end as problem
        from {{ seed }}
    ) as checks where problem is not null
    union all
    select model_id || '/' || {{ name_column }}, 'duplicate {{ name_column }} ' || {{ name_column }} || ' in model ' || model_id
    from {{ seed }} group by model_id, {{ name_column }} having count(*) > 1
    union all
    {{ lead_scoring.unknown_model_problems(seed_name, row_id) }}
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
        union all
        {%- set min_fit = lead_scoring.optional_column(seed, 'min_fit_score', lead_scoring.type_double()) %}
        select gated.model_id || '/' || gated.band,
            'min_fit_score on the lowest band has no effect (a lead that qualifies for no band gets the lowest band)'
        from {{ seed }} as gated
        where
            {{ min_fit }} is not null
            and not exists (
                select 1 from {{ seed }} as lower_bands
                where lower_bands.model_id = gated.model_id and lower_bands.min_score < gated.min_score
            )
    {%- elif seed_name == 'rule_groups' -%}
        select rule_id, problem from (
            select coalesce(model_id, '') || '/' || coalesce(group_id, '') as rule_id, case
                when nullif(trim(group_id), '') is null then 'blank group_id'
                when is_active is null then 'is_active must be true or false'
                when min_points > max_points then 'min_points is above max_points'
                when max_points < 0 then 'negative max_points (a limit on penalties is a negative min_points)'
                when min_points > 0 then 'positive min_points (a limit on points is a positive max_points)'
            end as problem
            from {{ seed }}
        ) as checks where problem is not null
        union all
        select model_id || '/' || group_id, 'duplicate group_id ' || group_id || ' in model ' || model_id
        from {{ seed }} group by model_id, group_id having count(*) > 1
        union all
        {{ lead_scoring.unknown_model_problems(seed_name, "coalesce(model_id, '') || '/' || coalesce(group_id, '')") }}
        union all
        select model_id || '/' || group_id,
            'group mixes attribute rules (' || fit_rules || ') with behaviour/absence rules ('
            || engagement_rules || '); a group counts to fit or to engagement, not both'
        from (
            select
                model_id,
                group_id,
                {{ lead_scoring.sorted_text_agg("case when score_part = 'fit' then rule_id end", "', '") }} as fit_rules,
                {{ lead_scoring.sorted_text_agg("case when score_part = 'engagement' then rule_id end", "', '") }} as engagement_rules
            from ({{ lead_scoring.grouped_rules() }}) as grouped
            group by model_id, group_id
            having count(distinct score_part) > 1
        ) as mixed
        union all
        select groups.model_id || '/' || groups.group_id,
            'group_id ' || groups.group_id || ' is also a rule_id in model ' || groups.model_id
            || ' (contributions are keyed by rule_id)'
        from {{ seed }} as groups
        where exists (
            select 1 from (
                {%- for rule_seed in ['attribute_rules', 'behavior_rules', 'absence_rules'] %}
                select model_id, rule_id from {{ lead_scoring.rule_seed(rule_seed) }}
                {{ 'union all' if not loop.last }}
                {%- endfor %}
            ) as rules
            where trim(rules.model_id) = trim(groups.model_id) and trim(rules.rule_id) = trim(groups.group_id)
        )
    {%- elif seed_name == 'fit_grades' -%}
        {{ lead_scoring.threshold_seed_problems(seed_name, 'grade', 'min_fit_score') }}
    {%- elif seed_name == 'engagement_tiers' -%}
        {{ lead_scoring.threshold_seed_problems(seed_name, 'tier', 'min_engagement_score') }}
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
        union all
        {{ lead_scoring.unknown_group_problems(seed_name) }}
    {%- endif -%}
{%- endmacro %}
