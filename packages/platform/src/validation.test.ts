import Type from 'typebox';
import { describe, expect, it } from 'vitest';
import { describeErrors, validatorFor } from './validation.ts';

const Profile = Type.Object(
  {
    name: Type.String({ minLength: 1 }),
    level: Type.Union([Type.Literal('beginner'), Type.Literal('intermediate'), Type.Literal('advanced')]),
    demographics: Type.Optional(
      Type.Object(
        {
          age: Type.Optional(Type.Integer({ minimum: 13 })),
          gender: Type.Optional(
            Type.Union([Type.Literal('female'), Type.Literal('male'), Type.Literal('other')]),
          ),
        },
        { additionalProperties: false },
      ),
    ),
    tags: Type.Optional(Type.Array(Type.String({ maxLength: 5 }))),
  },
  { additionalProperties: false },
);

const errorsOf = (schema: Parameters<typeof validatorFor>[0], value: unknown) => {
  const check = validatorFor(schema);
  expect(check.Check(value)).toBe(false);
  return describeErrors(check.Errors(value));
};

describe('describeErrors', () => {
  it('names each missing property', () => {
    expect(errorsOf(Profile, {})).toEqual(
      expect.arrayContaining([
        { path: '/name', message: 'is required' },
        { path: '/level', message: 'is required' },
      ]),
    );
  });

  it('names properties the schema does not allow', () => {
    const errors = errorsOf(Profile, { name: 'Ann', level: 'beginner', isAdmin: true });
    expect(errors).toEqual([{ path: '/isAdmin', message: 'is not an allowed property' }]);
  });

  it('lists the allowed values of a union of literals, once, without the noise of each branch', () => {
    const errors = errorsOf(Profile, { name: 'Ann', level: 'expert' });
    expect(errors).toEqual([
      { path: '/level', message: 'must be one of "beginner", "intermediate", "advanced"' },
    ]);
  });

  it('reports nested fields by their full path', () => {
    const errors = errorsOf(Profile, {
      name: 'Ann',
      level: 'beginner',
      demographics: { age: 9, gender: 'unknown', shoeSize: 42 },
      tags: ['ok', 'far too long'],
    });
    expect(errors).toEqual(
      expect.arrayContaining([
        { path: '/demographics/age', message: expect.stringContaining('13') },
        { path: '/demographics/gender', message: 'must be one of "female", "male", "other"' },
        { path: '/demographics/shoeSize', message: 'is not an allowed property' },
        { path: '/tags/1', message: expect.stringContaining('5') },
      ]),
    );
  });

  it('says what is wrong with a value of the wrong type', () => {
    expect(errorsOf(Profile, { name: 42, level: 'beginner' })).toEqual([
      { path: '/name', message: expect.stringMatching(/string/) },
    ]);
  });

  it('points at the root when the value is not an object at all', () => {
    expect(errorsOf(Profile, 'hello')).toEqual([{ path: '/', message: expect.stringMatching(/object/) }]);
  });

  it('still reports a field whose long union was cut short by the error cap', () => {
    const Long = Type.Object({
      colour: Type.Union(
        ['red', 'orange', 'yellow', 'green', 'blue', 'indigo', 'violet', 'black', 'white'].map((c) =>
          Type.Literal(c),
        ),
      ),
    });
    const errors = errorsOf(Long, { colour: 'pink' });
    expect(errors.map((e) => e.path)).toEqual(['/colour']);
  });
});

describe('validatorFor', () => {
  it('compiles a schema once and reuses it', () => {
    expect(validatorFor(Profile)).toBe(validatorFor(Profile));
    expect(validatorFor(Profile).Check({ name: 'Ann', level: 'advanced' })).toBe(true);
  });
});
