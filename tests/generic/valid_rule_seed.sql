{#- Fails the build, naming the seed, the rule and the problem, when a rule seed is invalid.
    Runs right after the seed loads and before every model that reads it. -#}
{#- host_only: the copy of the test on the staging model, which checks a host project's rules
    (package mode) and does nothing when the demo seed, tested itself, is the rule relation. -#}
{% test valid_rule_seed(model, seed_name, host_only=false) %}
{%- if host_only and lead_scoring.rule_seed_is_demo(seed_name) -%}
select 'none' as rule_id, 'none' as problem where 1 = 0
{%- else -%}
{%- set problems_sql = lead_scoring.rule_seed_problems(seed_name) -%}
{%- if execute -%}
    {%- set result = run_query(problems_sql) -%}
    {%- if result.rows | length > 0 -%}
        {%- set label = {'scoring_models': 'model', 'score_bands': 'band', 'routing_rules': 'routing rule',
            'rule_groups': 'group', 'fit_grades': 'grade', 'engagement_tiers': 'tier'}.get(seed_name, 'rule') -%}
        {%- set lines = [] -%}
        {%- for row in result.rows -%}
            {%- do lines.append('  ' ~ lead_scoring.rule_seed_path(seed_name) ~ ': ' ~ label ~ ' ' ~ row[0] ~ ': ' ~ row[1]) -%}
        {%- endfor -%}
        {{ exceptions.raise_compiler_error(
            'Invalid scoring rules; no score was published:\n' ~ (lines | join('\n'))) }}
    {%- endif -%}
{%- endif -%}
{{ problems_sql }}
{%- endif %}
{% endtest %}
