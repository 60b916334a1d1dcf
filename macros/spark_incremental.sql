{#- Incremental strategies per adapter. Models ask for what they mean ('delete+insert',
    'replace_scope'); on Spark with parquet tables (no DELETE, no MERGE) that becomes
    'insert_overwrite', and get_insert_overwrite_sql below keeps the semantics. -#}
{% macro incremental_strategy(strategy) -%}
    {{ return(adapter.dispatch('incremental_strategy', 'lead_scoring')(strategy)) }}
{%- endmacro %}
{% macro default__incremental_strategy(strategy) -%}
    {{ return(strategy) }}
{%- endmacro %}
{% macro spark__incremental_strategy(strategy) -%}
    {{ return('insert_overwrite') }}
{%- endmacro %}

{#- Overrides dbt-spark's insert_overwrite for models with a unique_key: the rows of the keys the
    increment names are replaced (delete+insert), and rows flagged is_tombstone only name a
    scope that is now empty (replace_scope). Spark cannot overwrite a parquet table it reads,
    so the new state is staged in <table>__dbt_next first, then copied over the target.
    The increment (dbt's temporary view) is written once to <table>__dbt_increment: the staging
    query reads it twice, and Spark would otherwise plan and run the model's query twice.
    Models without a unique_key keep dbt-spark's behaviour. -#}
{% macro get_insert_overwrite_sql(source_relation, target_relation, existing_relation) -%}
    {%- set keys = config.get('unique_key') -%}
    {%- if keys is none -%}
        {{ return(dbt_spark.get_insert_overwrite_sql(source_relation, target_relation, existing_relation)) }}
    {%- endif -%}
    {%- set keys = [keys] if keys is string else keys -%}
    {%- set dest_columns = adapter.get_columns_in_relation(target_relation) -%}
    {%- set cols = dest_columns | map(attribute='quoted') | join(', ') -%}
    {%- set source_columns = adapter.get_columns_in_relation(source_relation) | map(attribute='name') | list -%}
    {%- set name = target_relation.identifier -%}
    {%- set increment = target_relation.incorporate(path={'identifier': name ~ '__dbt_increment'}) -%}
    {%- set staged = target_relation.incorporate(path={'identifier': name ~ '__dbt_next'}) -%}
    {%- do run_query('drop table if exists ' ~ increment) -%}
    {%- do run_query('drop table if exists ' ~ staged) -%}
    {%- call statement('stage_increment') -%}
        create table {{ increment }} using parquet as
        select * from {{ source_relation }}
    {%- endcall -%}
    {%- call statement('stage_next_state') -%}
        create table {{ staged }} using parquet as
        select {{ cols }} from {{ target_relation }} as kept
        where not exists (
            select 1 from {{ increment }} as scope_rows
            where
                {%- for key in keys %}
                scope_rows.{{ key }} = kept.{{ key }}{{ ' and' if not loop.last }}
                {%- endfor %}
        )
        union all
        select {{ cols }} from {{ increment }}
        {%- if 'is_tombstone' in source_columns %} where not is_tombstone{% endif %}
    {%- endcall -%}
    {%- do run_query('drop table ' ~ increment) -%}
    insert overwrite table {{ target_relation }}
    select {{ cols }} from {{ staged }}
{%- endmacro %}
