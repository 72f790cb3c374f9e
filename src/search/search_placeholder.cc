// Placeholder until the component's first source lands.
