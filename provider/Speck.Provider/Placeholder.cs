namespace Speck.Provider;
