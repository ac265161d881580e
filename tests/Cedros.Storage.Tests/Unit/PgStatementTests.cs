using Cedros.Storage.Postgres;

namespace Cedros.Storage.Tests.Unit;

/// <summary>The one-time rewrite of <c>@name</c> placeholders to <c>$n</c>: only real placeholders are rewritten, never
/// text inside literals, identifiers, comments or dollar-quoted bodies, nor operators such as <c>@&gt;</c>.</summary>
public sealed class PgStatementTests
{
    [Fact]
    public void Names_become_positions_in_first_use_order_and_a_repeated_name_keeps_its_position()
    {
        var s = PgStatement.Parse("SELECT 1 FROM t WHERE a = @b AND c = @a OR d = @B");
        Assert.Equal("SELECT 1 FROM t WHERE a = $1 AND c = $2 OR d = $1", s.Text);
        Assert.Equal(["b", "a"], s.Names!);
    }

    [Fact]
    public void Casts_and_operators_stay_as_they_are()
    {
        var s = PgStatement.Parse("SELECT @p::text, x @> jsonb_build_array(@p::text), y <@ z, u@v FROM t");
        Assert.Equal("SELECT $1::text, x @> jsonb_build_array($1::text), y <@ z, u@v FROM t", s.Text);
        Assert.Equal(["p"], s.Names!);
    }

    [Theory]
    [InlineData("SELECT '@a', 'it''s @a' FROM t WHERE x = @b", "SELECT '@a', 'it''s @a' FROM t WHERE x = $1")]
    [InlineData("SELECT \"@a\" FROM t WHERE x = @b", "SELECT \"@a\" FROM t WHERE x = $1")]
    [InlineData("SELECT 1 -- @a\nFROM t WHERE x = @b", "SELECT 1 -- @a\nFROM t WHERE x = $1")]
    [InlineData("SELECT /* @a /* nested @a */ */ 1 FROM t WHERE x = @b", "SELECT /* @a /* nested @a */ */ 1 FROM t WHERE x = $1")]
    [InlineData("SELECT $q$ @a $q$, $$ @a $$ FROM t WHERE x = @b", "SELECT $q$ @a $q$, $$ @a $$ FROM t WHERE x = $1")]
    public void Placeholders_inside_literals_identifiers_comments_and_bodies_are_text(string sql, string expected)
    {
        var s = PgStatement.Parse(sql);
        Assert.Equal(expected, s.Text);
        Assert.Equal(["b"], s.Names!);
    }

    [Fact]
    public void Several_commands_keep_their_named_placeholders()
    {
        const string sql = "UPDATE t SET a = @a; SELECT @a";
        var s = PgStatement.Parse(sql);
        Assert.Equal(sql, s.Text);
        Assert.Null(s.Names);
    }

    [Fact]
    public void A_trailing_semicolon_is_one_command()
    {
        var s = PgStatement.Parse("SELECT @a;\n");
        Assert.Equal("SELECT $1;\n", s.Text);
        Assert.Equal(["a"], s.Names!);
    }

    [Fact]
    public void A_statement_without_placeholders_is_sent_as_written()
    {
        var s = PgStatement.Parse("SELECT count(*) FROM t");
        Assert.Equal("SELECT count(*) FROM t", s.Text);
        Assert.Null(s.Names);
    }

    [Fact]
    public void Arguments_bind_by_name_whatever_their_order_and_a_changed_order_is_not_bound_by_the_last_plan()
    {
        var s = PgStatement.Parse("SELECT @b, @a, @b");
        (string, object?)[] first = [("a", 1), ("b", 2), ("unused", 3)];
        Assert.Equal([1, 0], s.PlanFor(first));
        Assert.Equal([1, 0], s.PlanFor([("a", 4), ("b", 5), ("unused", 6)]));
        Assert.Equal([0, 1], s.PlanFor([("@B", 7), ("A", 8)]));
        Assert.Equal([2, 0], s.PlanFor([("a", 1), ("x", 2), ("b", 3)]));
    }

    [Fact]
    public void A_placeholder_without_an_argument_is_an_error()
    {
        var s = PgStatement.Parse("SELECT @a, @missing");
        var ex = Assert.Throws<InvalidOperationException>(() => s.PlanFor([("a", 1)]));
        Assert.Contains("@missing", ex.Message);
    }
}
