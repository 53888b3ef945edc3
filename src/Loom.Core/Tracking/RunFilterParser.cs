using System.Globalization;
using System.Text;
using Loom.Contracts;
using Loom.Core.Common;

namespace Loom.Core.Tracking;

/// <summary>
/// Parses the run filter language (<c>metrics.acc &gt; 0.9 and tags.stage = 'prod'</c>) and order
/// lists (<c>metrics.acc desc, startTime</c>).
/// </summary>
public static class RunFilterParser
{
    private static readonly string[] Attributes =
        ["status", "experiment", "displayName", "parentRunId", "startTime", "endTime", "createdTime"];

    public static IReadOnlyList<FilterClause> ParseFilter(string? filter)
    {
        var clauses = new List<FilterClause>();
        if (string.IsNullOrWhiteSpace(filter)) return clauses;
        var tokens = new Tokenizer(filter);
        while (true)
        {
            clauses.Add(ParseClause(tokens));
            if (tokens.AtEnd) break;
            var and = tokens.Next();
            if (!and.Is(TokenType.Word, "and"))
                throw Invalid(filter, $"expected 'and' but found '{and.Text}'");
        }
        return clauses;
    }

    public static IReadOnlyList<SortKey> ParseOrder(string? orderBy)
    {
        var keys = new List<SortKey>();
        if (string.IsNullOrWhiteSpace(orderBy)) return keys;
        foreach (var part in SplitTopLevel(orderBy))
        {
            var tokens = new Tokenizer(part, ErrorCodes.InvalidOrderBy);
            if (tokens.AtEnd) throw new LoomException(ErrorCodes.InvalidOrderBy, $"orderBy '{orderBy}' has an empty key.");
            var field = ParseField(tokens.Next(), orderBy, ErrorCodes.InvalidOrderBy);
            var descending = false;
            if (!tokens.AtEnd)
            {
                var direction = tokens.Next();
                if (direction.Is(TokenType.Word, "desc")) descending = true;
                else if (!direction.Is(TokenType.Word, "asc"))
                    throw new LoomException(ErrorCodes.InvalidOrderBy, $"orderBy '{orderBy}': expected 'asc' or 'desc' after {field}, found '{direction.Text}'.");
            }
            if (!tokens.AtEnd) throw new LoomException(ErrorCodes.InvalidOrderBy, $"orderBy '{orderBy}': unexpected '{tokens.Next().Text}'.");
            keys.Add(new SortKey(field, descending));
        }
        if (keys.Count > 5) throw new LoomException(ErrorCodes.InvalidOrderBy, "orderBy takes at most 5 keys.");
        return keys;
    }

    private static FilterClause ParseClause(Tokenizer tokens)
    {
        var text = tokens.Source;
        if (tokens.AtEnd) throw Invalid(text, "expected a clause");
        var field = ParseField(tokens.Next(), text, ErrorCodes.InvalidFilter);
        if (tokens.AtEnd) throw Invalid(text, $"expected an operator after {field}");
        var opToken = tokens.Next();
        FilterOp op = opToken.Text.ToLowerInvariant() switch
        {
            "=" or "==" => FilterOp.Eq,
            "!=" or "<>" => FilterOp.Ne,
            "<" => FilterOp.Lt,
            "<=" => FilterOp.Le,
            ">" => FilterOp.Gt,
            ">=" => FilterOp.Ge,
            "in" when opToken.Type == TokenType.Word => FilterOp.In,
            _ => throw Invalid(text, $"'{opToken.Text}' is not an operator (use = != < <= > >= or in)"),
        };
        var values = new List<FilterValue>();
        if (op == FilterOp.In)
        {
            if (tokens.AtEnd || tokens.Next().Type != TokenType.Open) throw Invalid(text, "expected '(' after in");
            while (true)
            {
                values.Add(ParseValue(tokens, text));
                if (tokens.AtEnd) throw Invalid(text, "expected ')'");
                var separator = tokens.Next();
                if (separator.Type == TokenType.Close) break;
                if (separator.Type != TokenType.Comma) throw Invalid(text, $"expected ',' or ')' but found '{separator.Text}'");
            }
        }
        else values.Add(ParseValue(tokens, text));
        foreach (var value in values) CheckValue(field, value, text);
        return new FilterClause(field, op, values);
    }

    private static void CheckValue(FieldRef field, FilterValue value, string text)
    {
        if (field.Kind == FieldKind.Metric && value.Number is null)
            throw Invalid(text, $"{field} is numeric; compare it with a number");
        if (field is { Kind: FieldKind.Attribute, Name: "status" } && !Enum.TryParse<RunStatus>(value.Text, out _))
            throw Invalid(text, $"'{value.Text}' is not a run status ({string.Join(", ", Enum.GetNames<RunStatus>())})");
        if (field.IsTime && value.Number is null && !DateTimeOffset.TryParse(value.Text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _))
            throw Invalid(text, $"'{value.Text}' is not a time; use ISO-8601 or milliseconds since the epoch");
    }

    private static FilterValue ParseValue(Tokenizer tokens, string text)
    {
        if (tokens.AtEnd) throw Invalid(text, "expected a value");
        var token = tokens.Next();
        return token.Type switch
        {
            TokenType.String => new FilterValue(null, token.Text),
            TokenType.Number => new FilterValue(double.Parse(token.Text, CultureInfo.InvariantCulture), null),
            _ => throw Invalid(text, $"'{token.Text}' is not a value: quote strings ('prod') or write numbers"),
        };
    }

    private static FieldRef ParseField(Token token, string text, string code)
    {
        if (token.Type is not (TokenType.Word or TokenType.Field))
            throw new LoomException(code, $"'{text}': '{token.Text}' is not a field name.");
        var name = token.Text;
        var dot = token.Type == TokenType.Field ? token.Dot : name.IndexOf('.');
        if (dot < 0)
        {
            var attribute = Attributes.FirstOrDefault(a => a.Equals(name, StringComparison.OrdinalIgnoreCase))
                ?? throw new LoomException(code, $"'{text}': unknown field '{name}'. Use {string.Join(", ", Attributes)}, metrics.<name>, params.<name>, tags.<name> or properties.<name>.");
            return new FieldRef(FieldKind.Attribute, attribute);
        }
        var prefix = name[..dot].ToLowerInvariant();
        var key = name[(dot + 1)..];
        FieldKind kind = prefix switch
        {
            "metrics" or "metric" => FieldKind.Metric,
            "params" or "param" => FieldKind.Param,
            "tags" or "tag" => FieldKind.Tag,
            "properties" or "property" => FieldKind.Property,
            "attributes" or "attribute" => FieldKind.Attribute,
            _ => throw new LoomException(code, $"'{text}': unknown field prefix '{prefix}'."),
        };
        if (kind == FieldKind.Attribute) return ParseField(new Token(TokenType.Word, key, -1), text, code);
        if (key.Length == 0 || key.Length > Validate.MaxKeyLength)
            throw new LoomException(code, $"'{text}': field '{name}' has no valid key.");
        return new FieldRef(kind, key);
    }

    private static IEnumerable<string> SplitTopLevel(string text)
    {
        var start = 0;
        var quote = '\0';
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quote != '\0') { if (c == quote) quote = '\0'; }
            else if (c is '`' or '\'' or '"') quote = c;
            else if (c == ',') { yield return text[start..i]; start = i + 1; }
        }
        yield return text[start..];
    }

    private static LoomException Invalid(string filter, string why) =>
        new(ErrorCodes.InvalidFilter, $"Filter '{filter}' is invalid: {why}.");

    private enum TokenType { Word, Field, Number, String, Operator, Open, Close, Comma }

    private readonly record struct Token(TokenType Type, string Text, int Dot)
    {
        public bool Is(TokenType type, string text) => Type == type && Text.Equals(text, StringComparison.OrdinalIgnoreCase);
    }

    private sealed class Tokenizer(string source, string code = ErrorCodes.InvalidFilter)
    {
        private int _position;
        public string Source { get; } = source;

        public bool AtEnd { get { SkipSpace(); return _position >= Source.Length; } }

        public Token Next()
        {
            SkipSpace();
            var c = Source[_position];
            if (c == '(') { _position++; return new Token(TokenType.Open, "(", -1); }
            if (c == ')') { _position++; return new Token(TokenType.Close, ")", -1); }
            if (c == ',') { _position++; return new Token(TokenType.Comma, ",", -1); }
            if (c is '\'' or '"') return new Token(TokenType.String, Quoted(c), -1);
            if (c is '=' or '!' or '<' or '>')
            {
                var start = _position++;
                if (_position < Source.Length && Source[_position] is '=' or '>') _position++;
                return new Token(TokenType.Operator, Source[start.._position], -1);
            }
            if (char.IsDigit(c) || ((c is '-' or '+' or '.') && _position + 1 < Source.Length && (char.IsDigit(Source[_position + 1]) || Source[_position + 1] == '.')))
            {
                var start = _position++;
                while (_position < Source.Length && (char.IsAsciiLetterOrDigit(Source[_position]) || Source[_position] is '.' or '+' or '-')
                       && !(Source[_position] is '+' or '-' && Source[_position - 1] is not ('e' or 'E'))) _position++;
                var number = Source[start.._position];
                if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
                    throw new LoomException(code, $"'{Source}': '{number}' is not a number.");
                return new Token(TokenType.Number, number, -1);
            }
            return FieldOrWord();
        }

        private Token FieldOrWord()
        {
            // A field is a word, optionally 'prefix.' followed by a word or a `quoted key`.
            var text = new StringBuilder();
            var dot = -1;
            while (_position < Source.Length)
            {
                var c = Source[_position];
                if (c == '`') { text.Append(Quoted('`')); continue; }
                if (c == '.' && dot < 0) { dot = text.Length; text.Append(c); _position++; continue; }
                if (char.IsLetterOrDigit(c) || c is '_' or '-' or '.' or '/' or ':') { text.Append(c); _position++; continue; }
                break;
            }
            if (text.Length == 0) throw new LoomException(code, $"'{Source}': unexpected character '{Source[_position]}'.");
            return new Token(dot < 0 ? TokenType.Word : TokenType.Field, text.ToString(), dot);
        }

        private string Quoted(char quote)
        {
            var text = new StringBuilder();
            _position++;
            while (true)
            {
                if (_position >= Source.Length) throw new LoomException(code, $"'{Source}': unterminated {quote}quote{quote}.");
                var c = Source[_position++];
                if (c == quote)
                {
                    // A doubled quote stands for the quote itself.
                    if (_position < Source.Length && Source[_position] == quote) { text.Append(c); _position++; continue; }
                    return text.ToString();
                }
                text.Append(c);
            }
        }

        private void SkipSpace()
        {
            while (_position < Source.Length && char.IsWhiteSpace(Source[_position])) _position++;
        }
    }
}
