{#- Standalone: custom schemas are used as given (raw, staging, intermediate, marts, rules),
    so consumers find the contract's schema names on every target; LEAD_SCORING_MARTS_SCHEMA
    renames marts (the scripts read the same variable, scripts/config.py). Installed as a
    package (another root project): dbt's own rule (<target schema>_<custom>), so the host's
    target and +schema configs decide where the package's models land. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if lead_scoring.is_package_mode() -%}
        {{ dbt.default__generate_schema_name(custom_schema_name, node) }}
    {%- elif custom_schema_name is none -%}
        {{ target.schema }}
    {%- elif custom_schema_name | trim == 'marts' -%}
        {{ env_var('LEAD_SCORING_MARTS_SCHEMA', 'marts') | trim }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
