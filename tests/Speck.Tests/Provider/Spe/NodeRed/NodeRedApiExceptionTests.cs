using System.Net;
using Speck.Provider.Spe.NodeRed;

namespace Speck.Tests.Provider.Spe.NodeRed;

/// <summary>Node-RED's error bodies as docs/nodered.md §Error bodies and §Login and lockout record them.</summary>
[Trait("Category", "Unit")]
public sealed class NodeRedApiExceptionTests
{
    [Fact]
    public void Json_error_body_gives_code_and_message()
    {
        var e = NodeRedApiException.From("POST /flow", HttpStatusCode.BadRequest, "Bad Request", """{"code":"unexpected_error","message":"duplicate id"}""");
        Assert.Equal("unexpected_error", e.Code);
        Assert.True(e.IsDuplicateId);
        Assert.Equal("Node-RED POST /flow answered 400 Bad Request: duplicate id", e.Message);
    }

    [Fact]
    public void Oauth_error_body_gives_its_code_and_description()
    {
        var e = NodeRedApiException.From("POST /auth/token", HttpStatusCode.Forbidden, "Forbidden",
            """{"error":"invalid_grant","error_description":"Invalid resource owner credentials"}""");
        Assert.Equal("invalid_grant", e.Code);
        Assert.EndsWith("Invalid resource owner credentials", e.Message);
        Assert.False(e.IsDuplicateId);
    }

    [Fact]
    public void Html_body_of_a_parse_error_is_cut_to_its_first_line_without_tags()
    {
        var body = "<!DOCTYPE html>\n<html><body><pre>SyntaxError: Expected double-quoted property name in JSON at position 14<br> &nbsp; &nbsp;at JSON.parse</pre></body></html>";
        var e = NodeRedApiException.From("POST /flow", HttpStatusCode.BadRequest, "Bad Request", body);
        Assert.Null(e.Code);
        Assert.DoesNotContain("<", e.Message);
        Assert.True(e.Message.Length < 300);
    }
}
