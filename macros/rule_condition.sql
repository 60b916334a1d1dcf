{#- The contract's operators as one boolean expression.
    `value` is the normalized (trimmed, lower-cased) text being tested; `r` is the alias of a
    normalized rule relation with columns operator, value_text, value_list ('|a|b|'),
    value_number, value_low, value_high, value_pattern. Rule values stay data: they are
    joined columns, never text pasted into SQL. NULL values match only is_null. -#}
{% macro rule_condition(value, r) -%}
    {%- set number = lead_scoring.try_cast(value, lead_scoring.type_double()) -%}
    coalesce(case {{ r }}.operator
        when 'is_null' then {{ value }} is null
        when 'is_not_null' then {{ value }} is not null
        when 'equals' then {{ value }} = {{ r }}.value_text
        when 'not_equals' then {{ value }} <> {{ r }}.value_text
        when 'in' then {{ dbt.position(dbt.concat(["'|'", value, "'|'"]), r ~ '.value_list') }} > 0
        when 'not_in' then {{ dbt.position(dbt.concat(["'|'", value, "'|'"]), r ~ '.value_list') }} = 0
        when 'contains' then {{ dbt.position(r ~ '.value_text', value) }} > 0
        when 'starts_with' then substring({{ value }}, 1, {{ dbt.length(r ~ '.value_text') }}) = {{ r }}.value_text
        when 'ends_with' then {{ dbt.right(value, dbt.length(r ~ '.value_text')) }} = {{ r }}.value_text
        when 'matches' then {{ lead_scoring.regex_search(value, r ~ '.value_pattern') }}
        when 'gt' then {{ number }} > {{ r }}.value_number
        when 'gte' then {{ number }} >= {{ r }}.value_number
        when 'lt' then {{ number }} < {{ r }}.value_number
        when 'lte' then {{ number }} <= {{ r }}.value_number
        when 'between' then {{ number }} between {{ r }}.value_low and {{ r }}.value_high
    end, false)
{%- endmacro %}

{#- Normalized rule-value columns for rule_condition, from a rule's operator and value. -#}
{% macro rule_value_columns(operator, value) -%}
    {%- set text = lead_scoring.normalized_text(value) -%}
    {{ text }} as value_text,
    {{ dbt.concat(["'|'", lead_scoring.regex_replace_all(text, "'\\s*\\|\\s*'", "'|'"), "'|'"]) }} as value_list,
    {{ lead_scoring.try_cast(text, lead_scoring.type_double()) }} as value_number,
    {{ lead_scoring.try_cast('trim(' ~ dbt.split_part(text, "'|'", 1) ~ ')', lead_scoring.type_double()) }} as value_low,
    {{ lead_scoring.try_cast('trim(' ~ dbt.split_part(text, "'|'", 2) ~ ')', lead_scoring.type_double()) }} as value_high,
    case when {{ operator }} = 'matches'
        then {{ dbt.concat(["'(?i)'", lead_scoring.clean_text(value)]) }}
    end as value_pattern
{%- endmacro %}

{#- A rule total clipped to at most |max_points| in absolute value (no clip when NULL). -#}
{% macro clip_points(total, max_points) -%}
    case
        when {{ max_points }} is null then {{ total }}
        when {{ total }} > abs({{ max_points }}) then abs({{ max_points }})
        when {{ total }} < -abs({{ max_points }}) then -abs({{ max_points }})
        else {{ total }}
    end
{%- endmacro %}

{#- Rows of `scored` (a CTE with model_id, <keys>, <score>) with the band the contract
    assigns from `bands` (the model's ref('stg_rules__score_bands'), so the DAG shows it): the
    band with the highest min_score not above the score, else the lowest band.
    With `fit` (a column of `scored`), a band with min_fit_score applies only when the fit is
    at least that too (fit-gated bands); without it min_fit_score is ignored (accounts).
    The edge is plain SQL written once (`qualifies`), so `make mutate` can move it. -#}
{% macro pick_band(scored, keys, score, bands, fit=none) -%}
    select
        {{ keys | join(', ') }},
        band,
        is_sales_ready
    from (
        select
            {%- for key in keys %}
            {{ key }},
            {%- endfor %}
            band,
            is_sales_ready,
            row_number() over (
                partition by {{ keys | join(', ') }}
                order by
                    case when qualifies then 0 else 1 end,
                    case when qualifies then -min_score else min_score end,
                    case when qualifies then -min_fit_score else 0 end nulls last,
                    band
            ) as band_rank
        from (
            select
                {%- for key in keys %}
                {{ scored }}.{{ key }},
                {%- endfor %}
                bands.band,
                bands.is_sales_ready,
                bands.min_score,
                bands.min_fit_score,
                bands.min_score <= {{ scored }}.{{ score }}
                {%- if fit is not none %}
                and (bands.min_fit_score is null or bands.min_fit_score <= {{ scored }}.{{ fit }})
                {%- endif %} as qualifies
            from {{ scored }}
            inner join {{ bands }} as bands
                on {{ scored }}.model_id = bands.model_id
        ) as band_candidates
    ) as ranked_bands
    where band_rank = 1
{%- endmacro %}

{#- Rows of `scored` (model_id, contact_id, <value>) with the name of the threshold row of
    `thresholds` (the model's ref() of a rules model with model_id, <name>, <threshold>) chosen
    like bands: the highest threshold not above the value, else the lowest. Models without
    rows get no row (the caller's NULL). -#}
{% macro pick_threshold(scored, value, thresholds, name, threshold) -%}
    select
        model_id,
        contact_id,
        {{ name }}
    from (
        select
            {{ scored }}.model_id,
            {{ scored }}.contact_id,
            thresholds.{{ name }},
            row_number() over (
                partition by {{ scored }}.model_id, {{ scored }}.contact_id
                order by
                    case when thresholds.{{ threshold }} <= {{ scored }}.{{ value }} then 0 else 1 end,
                    case
                        when thresholds.{{ threshold }} <= {{ scored }}.{{ value }} then -thresholds.{{ threshold }}
                        else thresholds.{{ threshold }}
                    end,
                    thresholds.{{ name }}
            ) as threshold_rank
        from {{ scored }}
        inner join {{ thresholds }} as thresholds
            on {{ scored }}.model_id = thresholds.model_id
    ) as ranked_thresholds
    where threshold_rank = 1
{%- endmacro %}
