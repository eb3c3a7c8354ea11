"""Sign-in with OpenID Connect providers configured by the instance (ProConnect first), beside passwords."""
