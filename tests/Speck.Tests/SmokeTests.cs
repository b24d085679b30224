namespace Speck.Tests;
